// Payload: the bytes of one request, a pseudo-random stream keyed by
// (connection, request), so that an echo that is short, long, reordered,
// stale or crossed with another connection's fails verification.
#pragma once

#include <cstddef>
#include <cstdint>

namespace myepoll::demo
{

inline std::uint8_t payload_byte(std::uint32_t conn, std::uint32_t request,
                                 std::size_t offset) noexcept
{
    std::uint64_t x = ((std::uint64_t{conn} << 32) | request) * 0x9e3779b97f4a7c15ULL +
                      (offset / 8 + 1) * 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 31;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 29;
    return static_cast<std::uint8_t>(x >> (offset % 8 * 8));
}

// Writes bytes [offset, offset + len) of the request's payload to out.
inline void fill_payload(std::uint32_t conn, std::uint32_t request, std::size_t offset,
                         std::uint8_t *out, std::size_t len) noexcept
{
    for (std::size_t i = 0; i < len; ++i)
        out[i] = payload_byte(conn, request, offset + i);
}

// Whether in[0, len) equals bytes [offset, offset + len) of the payload.
inline bool check_payload(std::uint32_t conn, std::uint32_t request, std::size_t offset,
                          const std::uint8_t *in, std::size_t len) noexcept
{
    for (std::size_t i = 0; i < len; ++i)
        if (in[i] != payload_byte(conn, request, offset + i))
            return false;
    return true;
}

} // namespace myepoll::demo
