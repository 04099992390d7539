// make_vgem_dmabuf() (see vgem.hpp).  The DRM uapi structures are spelled
// out here (the VM's build host has no <drm/drm.h>); they are fixed ABI
// (include/uapi/drm/drm.h and drm_mode.h).
#include <dirent.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#include "vgem.hpp"

namespace myepoll::hostile
{

namespace
{

struct DrmVersion {
    int version_major;
    int version_minor;
    int version_patchlevel;
    size_t name_len;
    char *name;
    size_t date_len;
    char *date;
    size_t desc_len;
    char *desc;
};

struct DrmGemClose {
    uint32_t handle;
    uint32_t pad;
};

struct DrmPrimeHandle {
    uint32_t handle;
    uint32_t flags;
    int32_t fd;
};

struct DrmModeCreateDumb {
    uint32_t height;
    uint32_t width;
    uint32_t bpp;
    uint32_t flags;
    uint32_t handle;
    uint32_t pitch;
    uint64_t size;
};

constexpr unsigned long kDrmIoctlVersion = _IOWR('d', 0x00, DrmVersion);
constexpr unsigned long kDrmIoctlGemClose = _IOW('d', 0x09, DrmGemClose);
constexpr unsigned long kDrmIoctlPrimeHandleToFd = _IOWR('d', 0x2d, DrmPrimeHandle);
constexpr unsigned long kDrmIoctlModeCreateDumb = _IOWR('d', 0xB2, DrmModeCreateDumb);

std::string driver_name(int card)
{
    char name[64] = {};
    DrmVersion version{};
    version.name = name;
    version.name_len = sizeof(name) - 1;
    if (::ioctl(card, kDrmIoctlVersion, &version) != 0)
        return "";
    return std::string(name, strnlen(name, sizeof(name)));
}

// The first /dev/dri/card* whose driver is vgem.
UniqueFd open_vgem_card(std::string *why)
{
    DIR *dir = ::opendir("/dev/dri");
    if (dir == nullptr) {
        *why = "no /dev/dri: no DRM device (the stock kernel needs vm-run.sh --kmod vgem)";
        return {};
    }
    std::string seen;
    UniqueFd found;
    while (const dirent *entry = ::readdir(dir)) {
        if (std::strncmp(entry->d_name, "card", 4) != 0)
            continue;
        const std::string path = std::string("/dev/dri/") + entry->d_name;
        UniqueFd card(::open(path.c_str(), O_RDWR | O_CLOEXEC));
        const std::string name = card ? driver_name(card.get()) : "(" + path + ": cannot open)";
        if (name == "vgem") {
            found = std::move(card);
            break;
        }
        seen += " " + name;
    }
    ::closedir(dir);
    if (!found)
        *why = "no vgem card in /dev/dri (drivers:" + (seen.empty() ? " none" : seen) +
               "); the stock kernel needs vm-run.sh --kmod vgem";
    return found;
}

} // namespace

VgemBuffer make_vgem_dmabuf(std::string *why)
{
    VgemBuffer buffer;
    buffer.card = open_vgem_card(why);
    if (!buffer.card)
        return buffer;
    DrmModeCreateDumb dumb{};
    dumb.width = 64;
    dumb.height = 64;
    dumb.bpp = 32;
    if (::ioctl(buffer.card.get(), kDrmIoctlModeCreateDumb, &dumb) != 0) {
        *why = std::string("DRM_IOCTL_MODE_CREATE_DUMB on vgem: ") + strerrorname_np(errno);
        return buffer;
    }
    DrmPrimeHandle prime{};
    prime.handle = dumb.handle;
    prime.flags = O_CLOEXEC | O_RDWR;
    const bool exported = ::ioctl(buffer.card.get(), kDrmIoctlPrimeHandleToFd, &prime) == 0;
    const int export_errno = errno;
    // The handle (and the export cache it keeps) would hold the dma-buf
    // file too: gone, the fd is the only reference.
    DrmGemClose close_handle{dumb.handle, 0};
    ::ioctl(buffer.card.get(), kDrmIoctlGemClose, &close_handle);
    if (!exported) {
        *why = std::string("DRM_IOCTL_PRIME_HANDLE_TO_FD: ") + strerrorname_np(export_errno);
        return buffer;
    }
    buffer.dmabuf.reset(prime.fd);
    return buffer;
}

} // namespace myepoll::hostile
