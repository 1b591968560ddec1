// Registry: actors by name (Erlang's register/whereis, Akka's actorSelection by name).
//
// add() fails with kInvalidArgument if the name is taken; lookup<M>() finds the actor only
// if its message type is M. Any thread, lock-free: the map is copy-on-write behind an
// atomic shared_ptr, so readers never block and writers (rare: registration) copy it.
// Iteration order is the name order (std::map): nothing depends on hash order.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/actor/actor_ref.h"
#include "core/actor/cell.h"

namespace alys::actor {

class Registry {
 public:
  static constexpr std::size_t kMaxNames = 65536;

  Registry();
  Status add(const std::string& name, std::shared_ptr<CellBase> cell);
  bool remove(std::string_view name);
  std::shared_ptr<CellBase> find(std::string_view name) const;
  std::vector<std::string> names() const;

  template <typename M>
  std::optional<ActorRef<M>> lookup(std::string_view name) const {
    auto cell = std::dynamic_pointer_cast<ActorCell<M>>(find(name));
    if (!cell) return std::nullopt;
    return ActorRef<M>(std::move(cell));
  }

 private:
  using Map = std::map<std::string, std::shared_ptr<CellBase>, std::less<>>;
  std::atomic<std::shared_ptr<const Map>> map_;
};

}  // namespace alys::actor
