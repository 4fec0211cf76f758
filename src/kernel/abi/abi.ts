// The kernel's binary interface for native cells: syscall numbers, the message-info
// word, the fixed capability slots of a cell's CSpace, badges, invocation labels,
// error codes and the cell's virtual memory layout. The one copy for the kernel
// (TypeScript) and the SDK (C: scripts/gen-headers.mjs writes <cellvisor/abi.h> from
// this file, so the lines follow src/hart/spec/README.md: constants only).
// docs/kernel.md explains each syscall and invocation.

// Syscalls: `ecall` from U-mode with the number in a7. a0 holds a capability pointer
// (a slot of the caller's CSpace) and returns the badge; a1 the message info; a2..a5
// message registers 0..3; a6 the Reply capability where one is used.
export const CV_SYS_CALL = 1;
export const CV_SYS_REPLY_RECV = 2;
export const CV_SYS_SEND = 3;
export const CV_SYS_NB_SEND = 4;
export const CV_SYS_RECV = 5;
export const CV_SYS_NB_RECV = 6;
export const CV_SYS_REPLY = 7;
export const CV_SYS_YIELD = 8;
export const CV_SYS_SIGNAL = 9;
export const CV_SYS_WAIT = 10;
export const CV_SYS_POLL = 11;
// Debug output: a0 = address of the bytes in the caller's memory, a1 = their number.
export const CV_SYS_DEBUG_PUTS = 12;
export const CV_SYS_COUNT = 13;

// What woke a Recv, returned in a6: a message through the endpoint (a0 = its badge), or
// the thread's bound notification (a0 = the notification word, which is then cleared).
export const CV_WAKE_MESSAGE = 0;
export const CV_WAKE_NOTIFICATION = 1;
// NBRecv or Poll found nothing.
export const CV_WAKE_NONE = 2;

// Message info (a1): label << 12 | extra caps << 7 | length (message registers).
export const CV_MSG_LENGTH_BITS = 7;
export const CV_MSG_LENGTH_MASK = 0x7f;
export const CV_MSG_EXTRA_CAPS_SHIFT = 7;
export const CV_MSG_EXTRA_CAPS_MASK = 0x3;
export const CV_MSG_CAPS_UNWRAPPED_SHIFT = 9;
export const CV_MSG_CAPS_UNWRAPPED_MASK = 0x7;
export const CV_MSG_LABEL_SHIFT = 12;
// Message registers: 0..3 in a2..a5, all of them in the IPC buffer's msg[].
export const CV_MSG_MAX_LENGTH = 64;
export const CV_MSG_REGISTERS_IN_REGS = 4;
// Capabilities one message carries (in the IPC buffer's caps_or_badges[]).
export const CV_MSG_MAX_EXTRA_CAPS = 3;

// The IPC buffer (one page per thread): byte offsets of its fields.
export const CV_IPC_TAG = 0;
export const CV_IPC_MSG = 8;
export const CV_IPC_USER_DATA = 520;
export const CV_IPC_CAPS_OR_BADGES = 528;
export const CV_IPC_RECEIVE_CNODE = 552;
export const CV_IPC_RECEIVE_INDEX = 560;
export const CV_IPC_RECEIVE_DEPTH = 568;

// A cell's virtual memory below the description's mappings (which start at
// CV_USER_MAP_BASE): the ELF at its link address, the stack under a guard page, the
// IPC buffer on top.
export const CV_ELF_BASE = 0x200000;
export const CV_STACK_SIZE = 0x10000;
export const CV_STACK_TOP = 0x3ffe000;
export const CV_IPC_BUFFER = 0x3fff000;
export const CV_USER_MAP_BASE = 0x4000000;
// The end of the lower half of Sv39's virtual space.
export const CV_USER_MAP_LIMIT = 0x4000000000;

// Fixed slots of every cell's CSpace (one CNode of 2^CV_CNODE_BITS slots; a
// capability pointer is a slot number).
export const CV_CNODE_BITS = 9;
export const CV_CAP_NULL = 0;
export const CV_CAP_TCB = 1;
export const CV_CAP_CNODE = 2;
export const CV_CAP_VSPACE = 3;
export const CV_CAP_INPUT_ENDPOINT = 4;
export const CV_CAP_NOTIFICATION = 5;
export const CV_CAP_REPLY = 6;
export const CV_CAP_SCHED_CONTEXT = 7;
export const CV_CAP_TIMER = 8;
export const CV_CAP_POWER = 9;
// Per channel id c: a notification capability to the other end (slot BASE + c).
export const CV_CAP_BASE_NOTIFY = 10;
// Per channel id c: an endpoint capability for protected calls to the other end.
export const CV_CAP_BASE_PPCALL = 74;
// Per IRQ channel id c: the IRQ handler.
export const CV_CAP_BASE_IRQ = 138;
// Per child id: the child's TCB (a fault handler's children).
export const CV_CAP_BASE_CHILD = 202;
// Slots from here on are free for the cell's own use (received capabilities, copies).
export const CV_CAP_FIRST_FREE = 266;

// Channel ids are 0..62; 63 is the cell's timer.
export const CV_MAX_CHANNEL = 62;
export const CV_TIMER_CHANNEL = 63;
export const CV_MAX_CHILD = 63;

// Badges on a cell's input endpoint: a protected call carries bit 63 and the caller's
// channel id as the callee knows it; a child's fault carries bit 62 and the child id.
// A notification's badge is the bit of the channel id.
export const CV_BADGE_PPCALL = 0x8000000000000000;
export const CV_BADGE_FAULT = 0x4000000000000000;
export const CV_BADGE_ID_MASK = 0x3f;

// Invocation labels: Call on a capability to a kernel object, the label in the
// message info, the arguments in message registers (and extra capabilities).
export const CV_INV_CNODE_COPY = 1;
export const CV_INV_CNODE_MINT = 2;
export const CV_INV_CNODE_MOVE = 3;
export const CV_INV_CNODE_DELETE = 4;
export const CV_INV_CNODE_REVOKE = 5;
export const CV_INV_TCB_READ_REGISTERS = 16;
export const CV_INV_TCB_WRITE_REGISTERS = 17;
export const CV_INV_TCB_SUSPEND = 18;
export const CV_INV_TCB_RESUME = 19;
export const CV_INV_TCB_SET_PRIORITY = 20;
export const CV_INV_TCB_RESTART = 21;
export const CV_INV_TCB_BIND_NOTIFICATION = 22;
export const CV_INV_TCB_UNBIND_NOTIFICATION = 23;
export const CV_INV_SC_CONSUMED = 32;
export const CV_INV_IRQ_ACK = 48;
export const CV_INV_TIMER_SET = 64;
export const CV_INV_TIMER_CANCEL = 65;
export const CV_INV_POWER_OFF = 80;
// The label of the message that reports a fault to the handler: msg 0 = cause, 1 = pc,
// 2 = address (tval).
export const CV_LABEL_FAULT = 0x100;

// Capability rights (CNode mint): a bit each.
export const CV_RIGHT_WRITE = 1;
export const CV_RIGHT_READ = 2;
export const CV_RIGHT_GRANT = 4;
export const CV_RIGHT_GRANT_REPLY = 8;
export const CV_RIGHTS_ALL = 15;

// Error codes, returned in a7 after every syscall and invocation (seL4's codes); 0 is
// success. A failed call leaves the other registers as they were.
export const CV_NO_ERROR = 0;
export const CV_INVALID_ARGUMENT = 1;
export const CV_INVALID_CAPABILITY = 2;
export const CV_ILLEGAL_OPERATION = 3;
export const CV_RANGE_ERROR = 4;
export const CV_ALIGNMENT_ERROR = 5;
export const CV_FAILED_LOOKUP = 6;
export const CV_TRUNCATED_MESSAGE = 7;
export const CV_DELETE_FIRST = 8;
export const CV_REVOKE_FIRST = 9;
export const CV_NOT_ENOUGH_MEMORY = 10;
export const CV_WOULD_BLOCK = 11;
