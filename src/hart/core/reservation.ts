// The LR/SC reservation (unprivileged spec, "Load-Reserved/Store-Conditional").
export let reservationValid: bool = false;
export let reservationAddr: usize = 0;

export function clearReservation(): void { reservationValid = false; }
export function reserve(host: usize): void { reservationValid = true; reservationAddr = host; }
