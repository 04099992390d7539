// Rng: a small seeded generator (xoshiro256**, seeded by splitmix64) whose
// sequence is the same with every compiler and library, so that a printed
// seed reproduces a run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>

namespace gauntlet
{

class Rng
{
  public:
    explicit Rng(uint64_t seed) noexcept
    {
        for (auto &word : s_)
            word = splitmix(seed);
    }

    uint64_t next() noexcept
    {
        const uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }

    // Uniform in [0, n); n > 0.
    uint64_t below(uint64_t n) noexcept { return n == 0 ? 0 : next() % n; }
    // True with probability percent / 100.
    bool chance(unsigned percent) noexcept { return below(100) < percent; }

    template <typename T> T pick(std::initializer_list<T> values) noexcept
    {
        return *(values.begin() + below(values.size()));
    }

    // A seed for an independent stream (a thread, a child).
    uint64_t fork_seed() noexcept { return next() ^ 0x9e3779b97f4a7c15ULL; }

  private:
    static uint64_t rotl(uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
    static uint64_t splitmix(uint64_t &x) noexcept
    {
        uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

    uint64_t s_[4];
};

} // namespace gauntlet
