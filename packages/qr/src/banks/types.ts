/** A member of the NAPAS VietQR network, as shipped in the bank directory. */
export interface Bank {
  /** 6-digit acquirer BIN used in 38.01.00: the key (codes collide across sources, BINs do not). */
  bin: string;
  /** NAPAS / vietqr.io short code (e.g. `VCB`, `ICB`, `VBA`, `MB`), else the vietnam-qr-pay code. */
  code: string;
  /** Display name, e.g. `Vietcombank`. */
  shortName: string;
  /** Full legal name in Vietnamese. */
  name: string;
  /** Every code seen for this BIN across sources (e.g. VietinBank: `ICB`, `CTG`). */
  codes: readonly string[];
  /** vietnam-qr-pay keys (e.g. `vietinbank`, `banviet`). */
  keys: readonly string[];
  swift?: string;
  /** VietQR support per vietnam-qr-pay: can transfer, can only receive, or not supported. */
  vietQr?: 'transfer' | 'receive-only' | 'unsupported';
  /** Usually holds State Treasury (KBNN) collection accounts (not verified from a primary source). */
  stateTreasuryUsualBank?: boolean;
  /** Further BINs of the same bank (BIDV: 970401 in the SBV list). */
  otherBins?: readonly string[];
  /** Names of banks that used this BIN before (OceanBank → MBV, DongA → Vikki, LienVietPostBank → LPBank). */
  formerNames?: readonly string[];
}
