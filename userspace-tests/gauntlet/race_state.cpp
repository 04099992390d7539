// RaceState helpers (see race_state.hpp).
#include "race_state.hpp"

namespace gauntlet
{

bool RaceState::reaches(int from, int to) const noexcept
{
    if (from == to)
        return true;
    bool seen[3] = {};
    int stack[3];
    int depth = 0;
    stack[depth++] = from;
    seen[from] = true;
    while (depth > 0) {
        const int x = stack[--depth];
        for (int y = 0; y < 3; ++y) {
            if (!edge[x][y] || seen[y])
                continue;
            if (y == to)
                return true;
            seen[y] = true;
            stack[depth++] = y;
        }
    }
    return false;
}
} // namespace gauntlet
