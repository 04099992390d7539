// sysfs/debugfs/procfs file helpers (see sysfs_file.hpp).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "sysfs_file.hpp"
#include "unique_fd.hpp"

namespace gauntlet
{

std::optional<std::string> read_first_line(const std::string &path)
{
    std::ifstream in(path);
    std::string line;
    if (!in || !std::getline(in, line))
        return std::nullopt;
    return line;
}

std::optional<std::string> read_all(const std::string &path)
{
    std::ifstream in(path);
    if (!in)
        return std::nullopt;
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

bool write_value(const std::string &path, const std::string &value)
{
    myepoll::UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd)
        return false;
    return ::write(fd.get(), value.data(), value.size()) == static_cast<ssize_t>(value.size());
}

bool path_exists(const std::string &path)
{
    struct stat st {
    };
    return ::lstat(path.c_str(), &st) == 0;
}

SettingsGuard::~SettingsGuard()
{
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it)
        write_value(it->first, it->second);
}

bool SettingsGuard::set(const std::string &path, const std::string &value)
{
    const auto old = read_first_line(path);
    if (!old || !write_value(path, value))
        return false;
    saved_.emplace_back(path, *old);
    return true;
}

} // namespace gauntlet
