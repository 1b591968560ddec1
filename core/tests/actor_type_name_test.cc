// core/actor/type_name.h: the names a trace shows for handled messages.
#include "core/actor/type_name.h"

#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "core/actor/ask.h"

namespace alys::testing {
namespace {

struct Ping {};
struct Block {
  int height = 0;
};
template <typename T>
struct Wrapped {};

namespace inner {
struct Deep {};
}  // namespace inner

}  // namespace
}  // namespace alys::testing

namespace named_ns::nested {
struct Thing {};
}  // namespace named_ns::nested

namespace alys::testing {
namespace {

using actor::message_type_name;
using actor::type_name;

TEST(ActorTypeName, DropsNamespacesIncludingAnonymousOnes) {
  EXPECT_EQ(type_name<Ping>(), "Ping");
  EXPECT_EQ(type_name<inner::Deep>(), "Deep");
  EXPECT_EQ(type_name<named_ns::nested::Thing>(), "Thing");
  EXPECT_EQ(type_name<int>(), "int");
}

TEST(ActorTypeName, DropsNamespacesInsideTemplateArguments) {
  EXPECT_EQ(type_name<Wrapped<named_ns::nested::Thing>>(), "Wrapped<Thing>");
  EXPECT_EQ(type_name<actor::Reply<named_ns::nested::Thing>>(), "Reply<Thing>");
}

TEST(ActorTypeName, IsAConstantExpression) {
  static_assert(type_name<Block>() == "Block");
  static_assert(type_name<named_ns::nested::Thing>().size() == 5);
}

TEST(ActorTypeName, NamesTheAlternativeAVariantHolds) {
  using Msg = std::variant<Ping, Block, named_ns::nested::Thing>;
  EXPECT_EQ(message_type_name(Msg(Ping{})), "Ping");
  EXPECT_EQ(message_type_name(Msg(Block{7})), "Block");
  EXPECT_EQ(message_type_name(Msg(named_ns::nested::Thing{})), "Thing");
}

TEST(ActorTypeName, NamesANonVariantMessageByItsType) {
  EXPECT_EQ(message_type_name(Block{1}), "Block");
}

}  // namespace
}  // namespace alys::testing
