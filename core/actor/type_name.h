// Compile-time names of message types, for observers that label what an actor handled
// (the simulator's Chrome-trace recorder): type_name<T>() is T's name without namespaces
// ("ImportBlock", "Reply<AuxWork>"), and message_type_name(m) is the name of the
// alternative a message variant holds ("?" when valueless). Both return views of constants
// built by the compiler: no allocation, no string work at run time, so a caller pays only
// the table lookup, and only when it asks.
//
// Names come from __PRETTY_FUNCTION__ (GCC and Clang); their spelling of standard types
// (e.g. "basic_string<char>") follows the compiler and is for people, not for parsing.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>
#include <variant>

namespace alys::actor {

namespace type_name_detail {

template <typename T>
constexpr std::string_view pretty() {
  return __PRETTY_FUNCTION__;
}

// The "T = ..." part: GCC "[with T = X; std::string_view = ...]", Clang "[T = X]". A type's
// name never holds ';', so the first ';' after it (GCC) or the last ']' (Clang) ends it.
constexpr std::string_view spelled(std::string_view p) {
  const std::size_t at = p.find("T = ");
  if (at == std::string_view::npos) return p;
  const std::size_t from = at + 4;
  std::size_t to = p.find(';', from);
  if (to == std::string_view::npos) to = p.rfind(']');
  if (to == std::string_view::npos || to < from) to = p.size();
  return p.substr(from, to - from);
}

constexpr bool is_ident(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

template <std::size_t N>
struct Fixed {
  char chars[N + 1]{};
  std::size_t size = 0;
  constexpr std::string_view view() const { return {chars, size}; }
};

// Drops every qualifier "a::b::" (anonymous namespaces too) wherever it occurs, so template
// arguments lose theirs as well: "alys::actor::Reply<alys::chain::AuxWork>" -> "Reply<AuxWork>".
template <std::size_t N>
constexpr Fixed<N> unqualified(std::string_view s) {
  Fixed<N> out;
  constexpr std::string_view kAnonGcc = "{anonymous}";
  constexpr std::string_view kAnonClang = "(anonymous namespace)";
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ':' && i + 1 < s.size() && s[i + 1] == ':') {
      while (out.size > 0 && is_ident(out.chars[out.size - 1])) --out.size;
      for (std::string_view anon : {kAnonGcc, kAnonClang}) {
        if (out.view().ends_with(anon)) out.size -= anon.size();
      }
      ++i;
      continue;
    }
    out.chars[out.size++] = s[i];
  }
  out.chars[out.size] = '\0';
  return out;
}

template <typename T>
struct NameOf {
  static constexpr std::string_view kSpelled = spelled(pretty<T>());
  static constexpr Fixed<kSpelled.size()> kValue = unqualified<kSpelled.size()>(kSpelled);
};

template <typename M>
struct AlternativeNames;
template <typename... Ts>
struct AlternativeNames<std::variant<Ts...>> {
  static constexpr std::array<std::string_view, sizeof...(Ts)> kNames{NameOf<Ts>::kValue.view()...};
};

template <typename M>
inline constexpr bool kIsVariant = false;
template <typename... Ts>
inline constexpr bool kIsVariant<std::variant<Ts...>> = true;

}  // namespace type_name_detail

template <typename T>
constexpr std::string_view type_name() {
  return type_name_detail::NameOf<T>::kValue.view();
}

template <typename M>
std::string_view message_type_name(const M& message) {
  if constexpr (type_name_detail::kIsVariant<M>) {
    const auto& names = type_name_detail::AlternativeNames<M>::kNames;
    const std::size_t i = message.index();
    return i < names.size() ? names[i] : std::string_view("?");
  } else {
    return type_name<M>();
  }
}

}  // namespace alys::actor
