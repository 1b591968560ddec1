// await_answer: calls an asynchronous, callback-taking method (a BitcoinRpc call, say) and
// waits for its one answer, for tests that drive a real client from the test thread. The
// answer must arrive on another thread (the client's executor); a missing answer is a test
// failure after 30 s, not a hang.
#pragma once

#include <chrono>
#include <future>
#include <utility>

#include <gtest/gtest.h>

#include "core/runtime/status.h"

namespace alys::real {

// `method(client, done)` must call `done(Result<T>)` exactly once, not inside the call.
template <typename T, typename Client, typename F>
Result<T> await_answer(Client& client, F method) {
  std::promise<Result<T>> p;
  method(client, [&p](Result<T> r) { p.set_value(std::move(r)); });
  auto f = p.get_future();
  EXPECT_EQ(f.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  return f.get();
}

}  // namespace alys::real
