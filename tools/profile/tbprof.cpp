// tbprof: a QEMU TCG plugin that counts the guest instructions executed in
// windows the guest program opens and closes with marker instructions
// (tools/bench/profile_mark.hpp), per translation block, one count per
// window number.  scripts/profile-report.py turns the blocks into functions
// with the guest's /proc/kallsyms.  Loaded by scripts/profile.sh:
//
//   qemu-system-x86_64 ... -plugin build/tbprof.so,out=FILE
//
// A marker is `nopl DISP(%rax)` whose 32-bit displacement spells "MYP" and
// the window number (0xff closes the window): no register or memory is
// touched, so the marked program runs the same without the plugin.  Each
// vCPU has its own open window.  At exit FILE gets one line per block
// executed in a window: "vaddr insns count0 count1 ...".
//
// Written against QEMU 7.2's plugin API, version 1 (Debian 12 ships no
// qemu-plugin.h: the few declarations used are below, as that header has
// them).
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <mutex>

extern "C" {

using qemu_plugin_id_t = uint64_t;

struct qemu_info_t {
    const char *target_name;
    struct {
        int min;
        int cur;
    } version;
    bool system_emulation;
    union {
        struct {
            int smp_vcpus;
            int max_vcpus;
        } system;
    };
};

struct qemu_plugin_tb;
struct qemu_plugin_insn;

enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };

using qemu_plugin_vcpu_udata_cb_t = void (*)(unsigned int vcpu_index, void *userdata);
using qemu_plugin_vcpu_tb_trans_cb_t = void (*)(qemu_plugin_id_t id, qemu_plugin_tb *tb);
using qemu_plugin_udata_cb_t = void (*)(qemu_plugin_id_t id, void *userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_cb(qemu_plugin_tb *tb, qemu_plugin_vcpu_udata_cb_t cb,
                                          qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_vcpu_insn_exec_cb(qemu_plugin_insn *insn, qemu_plugin_vcpu_udata_cb_t cb,
                                            qemu_plugin_cb_flags flags, void *userdata);
size_t qemu_plugin_tb_n_insns(const qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const qemu_plugin_tb *tb);
qemu_plugin_insn *qemu_plugin_tb_get_insn(const qemu_plugin_tb *tb, size_t idx);
const void *qemu_plugin_insn_data(const qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const qemu_plugin_insn *insn);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

__attribute__((visibility("default"))) int
qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv);

} // extern "C"

namespace
{

constexpr std::size_t kWindows = 8;
constexpr unsigned kClose = 0xff;
constexpr int kNoWindow = -1;
constexpr std::size_t kMaxVcpus = 64;
// nopl DISP32(%rax): 0f 1f 80, then "MYP" and the window number.
constexpr std::array<unsigned char, 6> kMarker{0x0f, 0x1f, 0x80, 'M', 'Y', 'P'};
constexpr std::size_t kMarkerSize = kMarker.size() + 1;

// One translation block as executed: the same code may be translated more
// than once, and a block of the same start may end elsewhere.
struct Block {
    uint64_t vaddr;
    uint64_t insns; // 0: a free slot
    std::array<uint64_t, kWindows> count;
};

// Nothing here has a destructor: QEMU calls on_exit() from its own atexit
// handler, after this library's static destructors may have run.  The
// blocks live in an open-addressing table in .bss (untouched slots cost no
// memory).
constexpr unsigned kSlotBits = 21;
constexpr std::size_t kSlots = std::size_t{1} << kSlotBits;

struct State {
    std::mutex mutex; // the table (translation may run on several vCPUs)
    std::array<Block, kSlots> blocks;
    uint64_t lost;                     // blocks that found the table full
    std::array<int, kMaxVcpus> window; // per vCPU, kNoWindow when closed
    std::array<uint64_t, kWindows> opened;
    char out[4096];
};

State state;

Block *block_slot(uint64_t vaddr, uint64_t insns)
{
    std::size_t i = static_cast<std::size_t>((vaddr ^ (insns << 52)) * 0x9E3779B97F4A7C15ull >>
                                             (64 - kSlotBits));
    for (std::size_t probes = 0; probes < kSlots; ++probes, i = (i + 1) % kSlots) {
        Block &b = state.blocks[i];
        if (b.insns == 0) {
            b.vaddr = vaddr;
            b.insns = insns;
            return &b;
        }
        if (b.vaddr == vaddr && b.insns == insns)
            return &b;
    }
    return nullptr;
}

void on_block(unsigned int vcpu, void *userdata)
{
    const int w = state.window[vcpu % kMaxVcpus];
    if (w != kNoWindow)
        static_cast<Block *>(userdata)->count[static_cast<std::size_t>(w)]++;
}

void on_marker(unsigned int vcpu, void *userdata)
{
    const auto code = static_cast<unsigned>(reinterpret_cast<uintptr_t>(userdata));
    if (code == kClose) {
        state.window[vcpu % kMaxVcpus] = kNoWindow;
    } else if (code < kWindows) {
        state.window[vcpu % kMaxVcpus] = static_cast<int>(code);
        state.opened[code]++;
    }
}

void hook_markers(qemu_plugin_tb *tb, std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i) {
        qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        if (qemu_plugin_insn_size(insn) != kMarkerSize)
            continue;
        const auto *bytes = static_cast<const unsigned char *>(qemu_plugin_insn_data(insn));
        if (std::memcmp(bytes, kMarker.data(), kMarker.size()) != 0)
            continue;
        const uintptr_t code = bytes[kMarker.size()];
        qemu_plugin_register_vcpu_insn_exec_cb(insn, on_marker, QEMU_PLUGIN_CB_NO_REGS,
                                               reinterpret_cast<void *>(code));
    }
}

void on_translate(qemu_plugin_id_t, qemu_plugin_tb *tb)
{
    const uint64_t vaddr = qemu_plugin_tb_vaddr(tb);
    const std::size_t n = qemu_plugin_tb_n_insns(tb);
    Block *block;
    {
        const std::lock_guard lock(state.mutex);
        block = block_slot(vaddr, n);
        if (block == nullptr)
            state.lost++;
    }
    hook_markers(tb, n);
    if (block != nullptr)
        qemu_plugin_register_vcpu_tb_exec_cb(tb, on_block, QEMU_PLUGIN_CB_NO_REGS, block);
}

void on_exit(qemu_plugin_id_t, void *)
{
    std::FILE *f = std::fopen(state.out, "w");
    if (f == nullptr)
        return;
    std::fprintf(f, "# tbprof windows opened:");
    for (uint64_t n : state.opened)
        std::fprintf(f, " %llu", static_cast<unsigned long long>(n));
    std::fprintf(f, "\n# tbprof blocks lost: %llu\n", static_cast<unsigned long long>(state.lost));
    for (const Block &block : state.blocks) {
        uint64_t any = 0;
        for (uint64_t c : block.count)
            any |= c;
        if (any == 0)
            continue;
        std::fprintf(f, "%llx %llu", static_cast<unsigned long long>(block.vaddr),
                     static_cast<unsigned long long>(block.insns));
        for (uint64_t c : block.count)
            std::fprintf(f, " %llu", static_cast<unsigned long long>(c));
        std::fprintf(f, "\n");
    }
    std::fclose(f);
}

} // namespace

int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
    if (!info->system_emulation || info->system.max_vcpus > static_cast<int>(kMaxVcpus))
        return 1;
    state.window.fill(kNoWindow);
    std::snprintf(state.out, sizeof(state.out), "tbprof.out");
    for (int i = 0; i < argc; ++i)
        if (std::strncmp(argv[i], "out=", 4) == 0)
            std::snprintf(state.out, sizeof(state.out), "%s", argv[i] + 4);
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    qemu_plugin_register_atexit_cb(id, on_exit, nullptr);
    return 0;
}
