#include "core/execution/engine.h"

#include <memory>
#include <optional>
#include <utility>

namespace alys::execution {

namespace {
// The default run: every item queued at once, in order (so later requests run after the
// run); an item after a failure fails too (its parent state was never made), and the
// answer stops at the first failure.
struct QueuedRun {
  QueuedRun(std::size_t n, Callback<ExecutedRun> d) : results(n), done(std::move(d)) {}
  std::vector<std::optional<Result<ExecutedPayload>>> results;
  std::size_t answered = 0;
  Callback<ExecutedRun> done;

  void answer(std::size_t i, Result<ExecutedPayload> r) {
    results[i] = std::move(r);
    if (++answered < results.size()) return;
    ExecutedRun run;
    run.results.reserve(results.size());
    for (auto& result : results) {
      const bool failed = !*result;
      run.results.push_back(std::move(*result));
      if (failed) break;
    }
    done(std::move(run));
  }
};
}  // namespace

void ExecutionEngine::execute_run(std::vector<ExecuteItem> items, Callback<ExecutedRun> done) {
  if (items.empty()) {
    done(ExecutedRun{});
    return;
  }
  auto run = std::make_shared<QueuedRun>(items.size(), std::move(done));
  for (std::size_t i = 0; i < items.size(); ++i) {
    ExecuteItem& item = items[i];
    execute_payload(item.parent, item.block_hash, std::move(item.context), std::move(item.payload),
                    [run, i](Result<ExecutedPayload> r) { run->answer(i, std::move(r)); });
  }
}

}  // namespace alys::execution
