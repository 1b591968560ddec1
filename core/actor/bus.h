// Bus: publish/subscribe by topic between the actors of one node (DESIGN.md §3).
//
// A payload type T names its kind: `static constexpr std::string_view kKind = "block";`.
// subscribe<T>(topic, ref) adds an actor whose message variant accepts T; publish delivers
// a copy to every subscriber of the topic, in subscription order, as a normal tell.
//
// Sender identity is set by the system: Actor::publish() passes the publishing actor;
// publish_external() is for code outside any actor (sender "external", kNoActor). Callers
// cannot choose it.
// ACL: once set_acl() was called, a publish is allowed only if some rule matches
// (sender name, topic, kind); "*" matches anything, sender "external" matches kNoActor.
// Rate limit: each sender has a token bucket (BusConfig::rate); burst 0 = unlimited.
// Direct sends: Actor::send_via_bus(to, payload) delivers to one actor under the same ACL
// and rate limit, matched against the topic "@<target name>".
// A refused publish goes to dead letters (kAclDenied / kRateLimited / kNoSubscriber) and
// counters; publish never blocks and never fails the caller.
// Threading: any thread. The bus's state lives on its own strand: publish posts there.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/actor/actor_ref.h"
#include "core/actor/envelope.h"
#include "core/actor/token_bucket.h"
#include "core/runtime/executor.h"

namespace alys::actor {

class ActorSystem;
class CellBase;
template <typename M>
class Actor;

template <typename T>
concept BusPayload = std::copy_constructible<T> && requires {
  { T::kKind } -> std::convertible_to<std::string_view>;
};

struct AclRule {
  std::string sender;  // actor name, "external", or "*"
  std::string topic;   // or "*"
  std::string kind;    // or "*"
};

struct BusConfig {
  RateLimit rate;  // per sender
  std::size_t max_topics = 1024;
  std::size_t max_subscribers_per_topic = 4096;
};

struct BusStats {
  std::uint64_t published = 0;  // accepted publishes
  std::uint64_t delivered = 0;  // copies handed to subscribers
  std::uint64_t acl_denied = 0;
  std::uint64_t rate_limited = 0;
  std::uint64_t no_subscriber = 0;
};

class Bus {
 public:
  Bus(ActorSystem& system, BusConfig config);
  ~Bus();

  template <BusPayload T, typename M>
  void subscribe(const std::string& topic, ActorRef<M> subscriber) {
    static_assert(std::is_constructible_v<M, const T&>, "subscriber cannot take this payload");
    Subscriber s;
    s.id = subscriber.cell().id();
    s.type = type_tag<T>();
    s.deliver = [ref = std::move(subscriber)](const void* payload, const EnvelopeMeta& meta) {
      (void)ref.cell().send(M(*static_cast<const T*>(payload)), meta);
    };
    add_subscriber(topic, std::move(s));
  }
  void unsubscribe(const std::string& topic, ActorId subscriber);

  template <BusPayload T>
  void publish_external(const std::string& topic, T payload,
                        Priority priority = Priority::kNormal) {
    publish_erased(kNoActor, "external", topic, T::kKind, type_tag<T>(),
                   std::make_shared<const T>(std::move(payload)), priority, 0);
  }

  // Enables enforcement (deny unless a rule matches). Any thread.
  void set_acl(std::vector<AclRule> rules);
  BusStats stats() const;

 private:
  template <typename M>
  friend class Actor;
  struct Subscriber {
    ActorId id;
    const void* type = nullptr;
    std::function<void(const void*, const EnvelopeMeta&)> deliver;
  };
  template <typename T>
  static const void* type_tag() {
    static constexpr char tag = 0;  // one immutable object per type: its address is the tag
    return &tag;
  }
  void add_subscriber(const std::string& topic, Subscriber s);
  void publish_erased(ActorId sender, std::string sender_name, const std::string& topic,
                      std::string_view kind, const void* type, std::shared_ptr<const void> payload,
                      Priority priority, std::uint64_t causal_parent);
  // A direct send: `deliver` tells the target; checked as topic "@<target_name>".
  void send_erased(ActorId sender, std::string sender_name, std::string target_name,
                   std::string_view kind, std::function<void(const EnvelopeMeta&)> deliver,
                   Priority priority, std::uint64_t causal_parent);
  // ACL + rate limit for one publish or send; false (and a dead letter) when refused.
  bool admit(ActorId sender, const std::string& sender_name, const std::string& topic,
             std::string_view kind, EnvelopeMeta& meta);
  void on_publish(ActorId sender, const std::string& sender_name, const std::string& topic,
                  std::string_view kind, const void* type,
                  const std::shared_ptr<const void>& payload, Priority priority,
                  std::uint64_t causal_parent);
  bool acl_allows(const std::string& sender, const std::string& topic, std::string_view kind) const;

  ActorSystem& system_;
  BusConfig config_;
  std::unique_ptr<Executor> strand_;
  // Strand only:
  std::map<std::string, std::vector<Subscriber>, std::less<>> topics_;
  std::map<ActorId, TokenBucket> buckets_;
  bool acl_enforced_ = false;
  std::vector<AclRule> acl_;
  // Any thread:
  std::atomic<std::uint64_t> published_{0}, delivered_{0}, acl_denied_{0}, rate_limited_{0},
      no_subscriber_{0};
};

}  // namespace alys::actor
