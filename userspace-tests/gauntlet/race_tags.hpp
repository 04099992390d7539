// The data.u64 of every registration the races part makes encodes who made
// it, so that each reported event can be checked against the bookkeeping:
//
//   bits 56..63  kind (main, ghost, child, nest, churn, doomed)
//   bits 44..55  slot (or, for nest, watcher * 3 + watched)
//   bits 24..43  generation of the slot's file
//   bits  0..23  serial of the ctl call that set it
#pragma once

#include <cstdint>
#include <string>

namespace gauntlet
{

enum class TagKind : uint8_t {
    Main = 1,   // a slot's fd in a stable instance
    Ghost = 2,  // a dup of a slot's fd, closed after (or racing) its ADD
    Child = 3,  // a forked child's own socket (gone when the child exits)
    Nest = 4,   // an instance watched by an instance
    Churn = 5,  // a slot's fd in the churn instance
    Doomed = 6, // a slot's fd in an instance closed while a thread waits on it
};

struct Tag {
    TagKind kind;
    uint32_t slot;
    uint32_t gen;
    uint32_t serial;

    [[nodiscard]] uint64_t value() const noexcept
    {
        return (uint64_t(kind) << 56) | (uint64_t(slot & 0xfff) << 44) |
               (uint64_t(gen & 0xfffff) << 24) | (serial & 0xffffff);
    }
    static Tag decode(uint64_t v) noexcept
    {
        return Tag{static_cast<TagKind>(v >> 56), static_cast<uint32_t>((v >> 44) & 0xfff),
                   static_cast<uint32_t>((v >> 24) & 0xfffff), static_cast<uint32_t>(v & 0xffffff)};
    }
    [[nodiscard]] std::string str() const
    {
        static const char *const names[] = {"?",    "main",  "ghost", "child",
                                            "nest", "churn", "doomed"};
        const auto k = static_cast<unsigned>(kind);
        return std::string(k < 7 ? names[k] : "?") + "(slot " + std::to_string(slot) + " gen " +
               std::to_string(gen) + " serial " + std::to_string(serial) + ")";
    }
};

} // namespace gauntlet
