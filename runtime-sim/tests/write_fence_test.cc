// FencedStorage over SimDisk: reads pass through, and after one failed write every later
// write fails although the disk took writes again, so no write lands past a hole.
#include <gtest/gtest.h>

#include "core/storage/write_fence.h"
#include "runtime-sim/sim_disk.h"

namespace alys::storage {
namespace {

WriteBatch put(std::string_view key, std::string_view value) {
  WriteBatch b;
  b.put(key, value);
  return b;
}

TEST(WriteFence, OneFailedWriteStopsEveryLaterWrite) {
  sim::SimDisk disk;
  FencedStorage fenced(disk);
  ASSERT_TRUE(fenced.write(put("a", "1"), {}).is_ok());
  EXPECT_FALSE(fenced.closed());
  disk.fail_next_writes(1);
  EXPECT_EQ(fenced.write(put("b", "2"), {}).code(), StatusCode::kIoError);
  EXPECT_TRUE(fenced.closed());
  // The disk works again; the fence does not let the next write past the lost one.
  Status later = fenced.write(put("c", "3"), WriteOptions{.sync = true});
  EXPECT_EQ(later.code(), StatusCode::kIoError);
  EXPECT_NE(later.message().find("earlier write failed"), std::string::npos) << later.to_string();
  EXPECT_FALSE(fenced.repair());
  EXPECT_EQ(disk.contents().size(), 1u) << "only the write before the failure landed";
  ASSERT_TRUE(fenced.get("a"));
  EXPECT_EQ(*fenced.get("a"), (Bytes{'1'}));
  // A new process (a new fence over the same disk) writes again.
  FencedStorage next(disk);
  EXPECT_TRUE(next.write(put("c", "3"), {}).is_ok());
}

}  // namespace
}  // namespace alys::storage
