/**
 * `pnpm bench`: encode and decode ops/s beside vietnam-qr-pay, SVG render ops/s beside qrcode's own
 * `toString`. Prints a table; makes no assertions (speed varies by machine).
 */
import QRCode from 'qrcode';
import { Bench } from 'tinybench';
import { QRPay } from 'vietnam-qr-pay';
import { decode, encode, renderSvg } from '../src/index.js';

// A rotating set of realistic inputs so neither library benefits from a single cached string.
const inputs = Array.from({ length: 64 }, (_, i) => ({
  bin: ['970436', '970415', '970405', '970418'][i % 4]!,
  account: String(1_000_000_000 + i * 7919),
  amount: 1000 * (i + 1),
  purpose: `HS${String(100000 + i)} le phi`,
}));
const ours = inputs.map((x) => encode(x));
const theirs = inputs.map((x) =>
  QRPay.initVietQR({
    bankBin: x.bin,
    bankNumber: x.account,
    amount: String(x.amount),
    purpose: x.purpose,
  }).build(),
);
for (let i = 0; i < inputs.length; i++) {
  if (ours[i] !== theirs[i]) throw new Error(`libraries disagree on input ${i}`);
}

let k = 0;
const next = () => k++ & 63;
let sink: unknown;

const codec = new Bench({ time: 1000, warmup: true });
codec
  .add('encode @thuphi/qr', () => {
    sink = encode(inputs[next()]!);
  })
  .add('encode vietnam-qr-pay', () => {
    const x = inputs[next()]!;
    sink = QRPay.initVietQR({
      bankBin: x.bin,
      bankNumber: x.account,
      amount: String(x.amount),
      purpose: x.purpose,
    }).build();
  })
  .add('decode @thuphi/qr', () => {
    sink = decode(ours[next()]!);
  })
  .add('decode vietnam-qr-pay', () => {
    sink = new QRPay(theirs[next()]!);
  });

const render = new Bench({ time: 1000, warmup: true });
render
  .add('renderSvg @thuphi/qr', async () => {
    sink = await renderSvg(ours[next()]!);
  })
  .add('qrcode toString(svg)', async () => {
    sink = await QRCode.toString(ours[next()]!, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
  });

await codec.run();
await render.run();

const hz = (b: Bench, name: string): number => {
  const r = b.getTask(name)?.result;
  return r && 'throughput' in r ? r.throughput.mean : Number.NaN;
};
const row = (op: string, b: Bench, mine: string, base: string, baseName: string) => {
  const a = hz(b, mine);
  const c = hz(b, base);
  return {
    operation: op,
    '@thuphi/qr ops/s': Math.round(a).toLocaleString('en-US'),
    baseline: baseName,
    'baseline ops/s': Math.round(c).toLocaleString('en-US'),
    ratio: `${(a / c).toFixed(2)}×`,
  };
};

console.log(`Node ${process.version}, ${inputs.length} rotating dynamic payloads (${ours[0]!.length} chars)`);
console.table([
  row('encode', codec, 'encode @thuphi/qr', 'encode vietnam-qr-pay', 'vietnam-qr-pay'),
  row('decode', codec, 'decode @thuphi/qr', 'decode vietnam-qr-pay', 'vietnam-qr-pay'),
  row('render SVG', render, 'renderSvg @thuphi/qr', 'qrcode toString(svg)', 'qrcode toString'),
]);
console.log(
  'encode includes input validation and the strict re-decode of its own output, compared field by field',
  'with the input (so the CRC is computed twice);',
  "vietnam-qr-pay's build() checks nothing. render SVG = payload validation + qrcode's own toString.",
);
void sink;
