#include "core/actor/registry.h"

#include <fmt/format.h>

namespace alys::actor {

Registry::Registry() : map_(std::make_shared<const Map>()) {}

Status Registry::add(const std::string& name, std::shared_ptr<CellBase> cell) {
  auto old = map_.load();
  for (;;) {
    if (old->contains(name)) {
      return Status::invalid_argument(fmt::format("registry: name '{}' is taken", name));
    }
    if (old->size() >= kMaxNames) {
      return Status::invalid_argument(fmt::format("registry: full ({} names)", kMaxNames));
    }
    auto fresh = std::make_shared<Map>(*old);
    fresh->emplace(name, cell);
    if (map_.compare_exchange_weak(old, std::shared_ptr<const Map>(std::move(fresh)))) {
      return Status::ok();
    }
  }
}

bool Registry::remove(std::string_view name) {
  auto old = map_.load();
  for (;;) {
    const auto it = old->find(name);
    if (it == old->end()) return false;
    auto fresh = std::make_shared<Map>(*old);
    fresh->erase(fresh->find(name));
    if (map_.compare_exchange_weak(old, std::shared_ptr<const Map>(std::move(fresh)))) {
      return true;
    }
  }
}

std::shared_ptr<CellBase> Registry::find(std::string_view name) const {
  const auto map = map_.load();
  const auto it = map->find(name);
  return it == map->end() ? nullptr : it->second;
}

std::vector<std::string> Registry::names() const {
  const auto map = map_.load();
  std::vector<std::string> out;
  out.reserve(map->size());
  for (const auto& [name, cell] : *map) out.push_back(name);
  return out;
}

}  // namespace alys::actor
