/**
 * @module `thuphi qr …`: VietQR from the command line (encode, decode, render), offline, via @thuphi/qr.
 */
import { writeFileSync } from 'node:fs';
import {
  decode,
  type ErrorCorrection,
  encode,
  findBank,
  QrError,
  type QrIssue,
  renderCounterCard,
  renderPng,
  renderSvg,
  renderTerminal,
  searchBanks,
  type VietQrInput,
} from '@thuphi/qr';
import { Command, InvalidArgumentError } from 'commander';

/** Where the command writes; injectable so tests can capture output. */
export interface QrCommandIo {
  out: (text: string | Uint8Array) => void;
  err: (text: string) => void;
}

const processIo: QrCommandIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

function formatIssue(i: QrIssue): string {
  const where = [i.tag ? `tag ${i.tag}` : '', i.position !== undefined ? `at ${i.position}` : '']
    .filter(Boolean)
    .join(' ');
  return `  [${i.code}]${where ? ` ${where}` : ''}: ${i.message}${i.expected ? ` (expected: ${i.expected})` : ''}\n`;
}

function fail(io: QrCommandIo, title: string, issues: QrIssue[]): void {
  io.err(`${title}\n${issues.map(formatIssue).join('')}`);
  process.exitCode = 1;
}

function report(io: QrCommandIo, e: unknown): void {
  if (e instanceof QrError) fail(io, 'Lỗi VietQR / VietQR error:', e.issues);
  else {
    io.err(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  }
}

function integer(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be a whole number`);
    return Number(value);
  };
}

function ecLevel(value: string): ErrorCorrection {
  const v = value.toUpperCase();
  if (v !== 'L' && v !== 'M' && v !== 'Q' && v !== 'H') throw new InvalidArgumentError('use L, M, Q or H');
  return v;
}

interface EncodeOptions {
  bin?: string;
  bank?: string;
  account: string;
  amount?: number;
  purpose?: string;
  service?: string;
  static?: boolean;
  billNumber?: string;
  referenceLabel?: string;
  merchantName?: string;
  merchantCity?: string;
}

interface RenderCliOptions {
  format: string;
  out?: string;
  ec?: ErrorCorrection;
  margin?: number;
  size?: number;
}

/**
 * The `qr` command group: `qr encode`, `qr decode`, `qr render`, `qr card`.
 *
 * @example
 * program.addCommand(qrCommand()); // thuphi qr encode --bank vcb --account 0011001932418 --amount 8000
 */
export function qrCommand(io: QrCommandIo = processIo): Command {
  const qr = new Command('qr').description('VietQR payloads: encode, decode, render (offline)');

  qr.command('encode')
    .description('print a VietQR payload')
    .option('--bin <bin>', '6-digit acquirer BIN, e.g. 970436')
    .option('--bank <query>', 'bank by BIN, code or name instead of --bin (e.g. vcb, "ngoai thuong")')
    .requiredOption('--account <number>', 'account number (or card number with --service QRIBFTTC)')
    .option('--amount <vnd>', 'amount in whole đồng (makes the QR dynamic)', integer('amount'))
    .option('--purpose <text>', 'transfer memo (62.08), ASCII, at most 25 characters')
    .option('--service <code>', 'QRIBFTTA (account, default) or QRIBFTTC (card)')
    .option('--static', 'static QR (tag 01 = 11) even with an amount')
    .option('--bill-number <text>', '62.01 bill number')
    .option('--reference-label <text>', '62.05 reference label')
    .option('--merchant-name <text>', '59 merchant name')
    .option('--merchant-city <text>', '60 merchant city')
    .action((o: EncodeOptions) => {
      try {
        let bin = o.bin;
        if (bin === undefined && o.bank !== undefined) {
          const bank = findBank(o.bank);
          if (!bank) {
            const candidates = searchBanks(o.bank).map((b) => `${b.bin} ${b.code} ${b.shortName}`);
            io.err(
              candidates.length > 0
                ? `Ngân hàng không rõ / ambiguous bank "${o.bank}":\n  ${candidates.join('\n  ')}\n`
                : `Không tìm thấy ngân hàng / no bank matches "${o.bank}"\n`,
            );
            process.exitCode = 1;
            return;
          }
          bin = bank.bin;
        }
        const input: VietQrInput = { bin: bin ?? '', account: o.account };
        if (o.amount !== undefined) input.amount = o.amount;
        if (o.purpose !== undefined) input.purpose = o.purpose;
        if (o.service !== undefined) input.service = o.service as VietQrInput['service'];
        if (o.static) input.initiation = 'static';
        if (o.billNumber !== undefined) input.billNumber = o.billNumber;
        if (o.referenceLabel !== undefined) input.referenceLabel = o.referenceLabel;
        if (o.merchantName !== undefined) input.merchantName = o.merchantName;
        if (o.merchantCity !== undefined) input.merchantCity = o.merchantCity;
        io.out(`${encode(input)}\n`);
      } catch (e) {
        report(io, e);
      }
    });

  qr.command('decode')
    .description('print the fields of a VietQR payload as JSON; errors go to stderr (exit 1)')
    .argument('<payload>', 'the payload string')
    .option('--lenient', 'accept a CRC mismatch and similar readable problems (reported on stderr)')
    .action((payload: string, o: { lenient?: boolean }) => {
      const r = decode(payload, { lenient: o.lenient === true });
      if (r.ok) {
        io.out(`${JSON.stringify(r.value, null, 2)}\n`);
        if (r.errors.length > 0) io.err(`Cảnh báo / warnings:\n${r.errors.map(formatIssue).join('')}`);
      } else {
        fail(io, 'Mã VietQR không hợp lệ / invalid VietQR payload:', r.errors);
      }
    });

  qr.command('render')
    .description('render a payload as SVG, PNG or terminal text')
    .argument('<payload>', 'the payload string')
    .option('--format <format>', 'svg | png | terminal', 'terminal')
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--ec <level>', 'error correction L | M | Q | H (default M)', ecLevel)
    .option('--margin <modules>', 'quiet zone in modules (default 4)', integer('margin'))
    .option('--size <pixels>', 'image width in pixels (svg, png)', integer('size'))
    .action(async (payload: string, o: RenderCliOptions) => {
      try {
        const options = {
          ...(o.ec !== undefined ? { errorCorrection: o.ec } : {}),
          ...(o.margin !== undefined ? { margin: o.margin } : {}),
          ...(o.size !== undefined ? { size: o.size } : {}),
        };
        let data: string | Uint8Array;
        if (o.format === 'svg') data = await renderSvg(payload, options);
        else if (o.format === 'png') data = await renderPng(payload, options);
        else if (o.format === 'terminal') data = await renderTerminal(payload, options);
        else {
          io.err(`Định dạng không hỗ trợ / unknown format "${o.format}" (svg, png, terminal)\n`);
          process.exitCode = 1;
          return;
        }
        if (o.out) writeFileSync(o.out, data);
        else io.out(data);
      } catch (e) {
        report(io, e);
      }
    });

  qr.command('card')
    .description('render the counter-display card (SVG) for a payload')
    .argument('<payload>', 'the payload string')
    .option('--account-name <name>', 'account holder name shown on the card')
    .option('--bank-name <name>', 'bank name (default: from the BIN)')
    .option('--memo <text>', 'memo shown (default: the payload purpose)')
    .option('--dossier <code>', 'dossier code (mã hồ sơ)')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(
      async (
        payload: string,
        o: { accountName?: string; bankName?: string; memo?: string; dossier?: string; out?: string },
      ) => {
        try {
          const svg = await renderCounterCard({
            payload,
            ...(o.accountName !== undefined ? { accountName: o.accountName } : {}),
            ...(o.bankName !== undefined ? { bankName: o.bankName } : {}),
            ...(o.memo !== undefined ? { memo: o.memo } : {}),
            ...(o.dossier !== undefined ? { dossierCode: o.dossier } : {}),
          });
          if (o.out) writeFileSync(o.out, svg);
          else io.out(svg);
        } catch (e) {
          report(io, e);
        }
      },
    );

  return qr;
}
