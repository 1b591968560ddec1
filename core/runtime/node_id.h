// NodeId: a node's index in its network (simulated world or configured cluster).
#pragma once

#include <cstdint>

namespace alys {

using NodeId = std::uint32_t;
constexpr NodeId kNoNode = UINT32_MAX;

}  // namespace alys
