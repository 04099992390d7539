// Small helpers for sysfs/debugfs/procfs files: read the first line, write
// a value, and a guard that restores a file's previous value.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gauntlet
{

// The file's first line without the newline; nothing if it cannot be read.
std::optional<std::string> read_first_line(const std::string &path);
// The whole file (for kmemleak reports); nothing if it cannot be read.
std::optional<std::string> read_all(const std::string &path);
// Writes value in one write(2); false (errno set) on failure.
bool write_value(const std::string &path, const std::string &value);
bool path_exists(const std::string &path);

// Sets files to values and puts the old values back on destruction.
class SettingsGuard
{
  public:
    SettingsGuard() = default;
    SettingsGuard(const SettingsGuard &) = delete;
    SettingsGuard &operator=(const SettingsGuard &) = delete;
    ~SettingsGuard();

    // False (nothing changed) if the file cannot be read or written.
    bool set(const std::string &path, const std::string &value);

  private:
    std::vector<std::pair<std::string, std::string>> saved_;
};

} // namespace gauntlet
