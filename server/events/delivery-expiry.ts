/** How long a delivery is retried before it is given up (`expired`) and the stream moves on. */
export const DELIVERY_EXPIRY_MS = 3 * 86_400_000;
