// Kernel errors are values with seL4's codes (src/kernel/abi/abi.ts), returned to the
// cell that made the call in a7; nothing a cell does throws in the host.
import {
  CV_NO_ERROR, CV_INVALID_ARGUMENT, CV_INVALID_CAPABILITY, CV_ILLEGAL_OPERATION, CV_RANGE_ERROR, CV_ALIGNMENT_ERROR,
  CV_FAILED_LOOKUP, CV_TRUNCATED_MESSAGE, CV_DELETE_FIRST, CV_REVOKE_FIRST, CV_NOT_ENOUGH_MEMORY, CV_WOULD_BLOCK,
} from './abi/abi.js';

export type KernelError =
  | typeof CV_INVALID_ARGUMENT | typeof CV_INVALID_CAPABILITY | typeof CV_ILLEGAL_OPERATION | typeof CV_RANGE_ERROR
  | typeof CV_ALIGNMENT_ERROR | typeof CV_FAILED_LOOKUP | typeof CV_TRUNCATED_MESSAGE | typeof CV_DELETE_FIRST
  | typeof CV_REVOKE_FIRST | typeof CV_NOT_ENOUGH_MEMORY | typeof CV_WOULD_BLOCK;

export const OK = CV_NO_ERROR;
export type Result = typeof OK | KernelError;
