// slab_objects() (see slab_objects.hpp).
#include <sys/stat.h>

#include "slab_objects.hpp"
#include "sysfs_file.hpp"

namespace gauntlet
{

std::optional<SlabCount> slab_objects(const std::string &cache)
{
    const std::string dir = "/sys/kernel/slab/" + cache;
    struct stat st {
    };
    if (::lstat(dir.c_str(), &st) != 0)
        return std::nullopt;
    SlabCount count;
    count.merged = S_ISLNK(st.st_mode);
    write_value(dir + "/shrink", "1");
    const auto line = read_first_line(dir + "/objects");
    if (line)
        count.objects = std::stol(*line); // "N N0=N ..."
    return count;
}

} // namespace gauntlet
