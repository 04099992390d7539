// A dma-buf from vgem, the virtual GEM driver of the stock kernel (modules
// drm, drm_shmem_helper and vgem; vm-run.sh --kmod vgem loads them): a dumb
// buffer on the vgem card, exported with DRM_IOCTL_PRIME_HANDLE_TO_FD.
// dma-buf's ->poll takes a reference to its own file and drops it again
// (get_file() ... fput()), which is what makes a poll of a file whose last
// reference is gone free it a second time.
#pragma once

#include <string>

#include "unique_fd.hpp"

namespace myepoll::hostile
{

struct VgemBuffer {
    UniqueFd card;   // /dev/dri/cardN of vgem, kept open
    UniqueFd dmabuf; // the only reference to the dma-buf file
};

// The buffer, or an empty dmabuf and the reason in *why.  The GEM handle is
// closed after the export, so that closing `dmabuf` is the dma-buf file's
// last fput().
VgemBuffer make_vgem_dmabuf(std::string *why);

} // namespace myepoll::hostile
