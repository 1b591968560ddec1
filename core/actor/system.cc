#include "core/actor/system.h"

namespace alys::actor {

bool HealthNode::healthy() const {
  if (state != LifecycleState::kRunning || breaker == BreakerState::kOpen ||
      health != StatusCode::kOk) {
    return false;
  }
  for (const HealthNode& c : children) {
    if (!c.healthy()) return false;
  }
  return true;
}

ActorSystem::ActorSystem(Env& env, SystemConfig config)
    : env_(env),
      config_(std::move(config)),
      handle_observer_(config_.handle_observer),
      strand_(env.executor().make_strand()) {
  bus_ = std::make_unique<Bus>(*this, config_.bus);
  ChildOptions root_options;
  root_options.name = config_.root_name;
  root_ = SupervisorRef(
      std::make_shared<SupervisorCell>(*this, nullptr, std::move(root_options), config_.root));
  if (handle_observer_ != nullptr) handle_observer_->attached(*this);
}

ActorSystem::~ActorSystem() {
  if (handle_observer_ != nullptr) handle_observer_->detached(*this);
  // Tasks in flight hold cells (and cells own the strands that hold those tasks): dropping
  // every strand breaks those cycles and drops the work.
  root_.cell().detach();
  bus_.reset();
  strand_.reset();
}

void ActorSystem::start() {
  auto root = root_.cell_ptr();
  root->strand().post([root] { root->op_start(); });
}

void ActorSystem::stop() {
  auto root = root_.cell_ptr();
  root->strand().post([root] { root->op_stop(); });
}

void ActorSystem::on_root_failed() {
  root_failed_.store(true, std::memory_order_release);
  ALYS_LOG(env_.log(), kError, "actor system: root supervisor failed");
  if (config_.exit_process_on_root_failure) {
    ALYS_LOG(env_.log(), kError, "actor system: exiting the process (exit code 1)");
    env_.exit_process(1);
  }
}

void ActorSystem::record_dead_letter(DeadLetter letter) {
  dead_counts_[static_cast<std::size_t>(letter.reason)].fetch_add(1, std::memory_order_relaxed);
  if (config_.dead_letters_max == 0) return;
  strand_->post([this, l = std::move(letter)]() mutable {
    if (dead_letters_.size() >= config_.dead_letters_max) dead_letters_.pop_front();
    dead_letters_.push_back(std::move(l));
  });
}

std::uint64_t ActorSystem::dead_letter_total() const {
  std::uint64_t n = 0;
  for (const auto& c : dead_counts_) n += c.load(std::memory_order_relaxed);
  return n;
}

namespace {
HealthNode health_of(CellBase& cell) {
  HealthNode h;
  h.name = cell.name();
  h.id = cell.id();
  h.supervisor = cell.is_supervisor();
  h.state = cell.state();
  h.breaker = cell.breaker_state();
  h.health = cell.last_health();
  h.stats = cell.stats();
  h.mailbox_depth = cell.load();
  h.mailbox_capacity = cell.mailbox_capacity();
  if (h.supervisor) {
    const auto& children = static_cast<SupervisorCell&>(cell).children();
    const std::uint32_t n = children.size();
    h.children.reserve(n);
    for (std::uint32_t i = 0; i < n; ++i) h.children.push_back(health_of(*children.at(i)));
  }
  return h;
}

void health_checks(const std::shared_ptr<CellBase>& cell) {
  cell->strand().post([cell] { cell->op_health_check(); });
  if (cell->is_supervisor()) {
    const auto& children = static_cast<SupervisorCell&>(*cell).children();
    for (std::uint32_t i = 0; i < children.size(); ++i) health_checks(children.at(i));
  }
}
}  // namespace

HealthNode ActorSystem::health() const { return health_of(*root_.cell_ptr()); }

void ActorSystem::run_health_checks() { health_checks(root_.cell_ptr()); }

}  // namespace alys::actor
