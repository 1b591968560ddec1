#include "core/actor/bus.h"

#include <fmt/format.h>

#include "core/actor/system.h"

namespace alys::actor {

Bus::Bus(ActorSystem& system, BusConfig config)
    : system_(system), config_(config), strand_(system.env().executor().make_strand()) {}

Bus::~Bus() = default;

void Bus::add_subscriber(const std::string& topic, Subscriber s) {
  strand_->post([this, topic, s = std::move(s)]() mutable {
    auto it = topics_.find(topic);
    if (it == topics_.end()) {
      ALYS_ASSERT(topics_.size() < config_.max_topics, "bus: too many topics");
      it = topics_.emplace(topic, std::vector<Subscriber>{}).first;
    }
    ALYS_ASSERT(it->second.size() < config_.max_subscribers_per_topic,
                "bus: too many subscribers on one topic");
    it->second.push_back(std::move(s));
  });
}

void Bus::unsubscribe(const std::string& topic, ActorId subscriber) {
  strand_->post([this, topic, subscriber] {
    const auto it = topics_.find(topic);
    if (it == topics_.end()) return;
    std::erase_if(it->second, [&](const Subscriber& s) { return s.id == subscriber; });
  });
}

void Bus::set_acl(std::vector<AclRule> rules) {
  strand_->post([this, rules = std::move(rules)]() mutable {
    acl_ = std::move(rules);
    acl_enforced_ = true;
  });
}

BusStats Bus::stats() const {
  BusStats s;
  s.published = published_.load(std::memory_order_relaxed);
  s.delivered = delivered_.load(std::memory_order_relaxed);
  s.acl_denied = acl_denied_.load(std::memory_order_relaxed);
  s.rate_limited = rate_limited_.load(std::memory_order_relaxed);
  s.no_subscriber = no_subscriber_.load(std::memory_order_relaxed);
  return s;
}

void Bus::publish_erased(ActorId sender, std::string sender_name, const std::string& topic,
                         std::string_view kind, const void* type,
                         std::shared_ptr<const void> payload, Priority priority,
                         std::uint64_t causal_parent) {
  strand_->post([this, sender, sender_name = std::move(sender_name), topic, kind, type,
                 payload = std::move(payload), priority, causal_parent] {
    on_publish(sender, sender_name, topic, kind, type, payload, priority, causal_parent);
  });
}

bool Bus::acl_allows(const std::string& sender, const std::string& topic,
                     std::string_view kind) const {
  if (!acl_enforced_) return true;
  for (const AclRule& r : acl_) {
    if ((r.sender == "*" || r.sender == sender) && (r.topic == "*" || r.topic == topic) &&
        (r.kind == "*" || r.kind == kind)) {
      return true;
    }
  }
  return false;
}

bool Bus::admit(ActorId sender, const std::string& sender_name, const std::string& topic,
                std::string_view kind, EnvelopeMeta& meta) {
  const auto refuse = [&](DeadLetterReason reason, std::atomic<std::uint64_t>& counter) {
    counter.fetch_add(1, std::memory_order_relaxed);
    meta.message_id = system_.next_message_id();
    system_.record_dead_letter(
        DeadLetter{reason, meta, kNoActor, "bus",
                   fmt::format("topic '{}' kind '{}' from '{}'", topic, kind, sender_name)});
    return false;
  };
  if (!acl_allows(sender_name, topic, kind)) {
    return refuse(DeadLetterReason::kAclDenied, acl_denied_);
  }
  if (config_.rate.burst > 0) {
    auto it = buckets_.find(sender);
    if (it == buckets_.end()) {
      it = buckets_.emplace(sender, TokenBucket(config_.rate, system_.env().clock().now())).first;
    }
    if (!it->second.try_take(system_.env().clock().now())) {
      return refuse(DeadLetterReason::kRateLimited, rate_limited_);
    }
  }
  return true;
}

void Bus::on_publish(ActorId sender, const std::string& sender_name, const std::string& topic,
                     std::string_view kind, const void* type,
                     const std::shared_ptr<const void>& payload, Priority priority,
                     std::uint64_t causal_parent) {
  EnvelopeMeta meta;
  meta.sender = sender;
  meta.priority = priority;
  meta.causal_parent = causal_parent;
  if (!admit(sender, sender_name, topic, kind, meta)) return;
  const auto t = topics_.find(topic);
  if (t == topics_.end() || t->second.empty()) {
    no_subscriber_.fetch_add(1, std::memory_order_relaxed);
    meta.message_id = system_.next_message_id();
    system_.record_dead_letter(
        DeadLetter{DeadLetterReason::kNoSubscriber, meta, kNoActor, "bus",
                   fmt::format("topic '{}' kind '{}' from '{}'", topic, kind, sender_name)});
    return;
  }
  published_.fetch_add(1, std::memory_order_relaxed);
  for (const Subscriber& s : t->second) {
    if (s.type != type) continue;  // subscribed for another payload type on this topic
    s.deliver(payload.get(), meta);
    delivered_.fetch_add(1, std::memory_order_relaxed);
  }
}

void Bus::send_erased(ActorId sender, std::string sender_name, std::string target_name,
                      std::string_view kind, std::function<void(const EnvelopeMeta&)> deliver,
                      Priority priority, std::uint64_t causal_parent) {
  strand_->post([this, sender, sender_name = std::move(sender_name),
                 topic = "@" + std::move(target_name), kind, deliver = std::move(deliver), priority,
                 causal_parent] {
    EnvelopeMeta meta;
    meta.sender = sender;
    meta.priority = priority;
    meta.causal_parent = causal_parent;
    if (!admit(sender, sender_name, topic, kind, meta)) return;
    published_.fetch_add(1, std::memory_order_relaxed);
    deliver(meta);
    delivered_.fetch_add(1, std::memory_order_relaxed);
  });
}

}  // namespace alys::actor
