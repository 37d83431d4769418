import assert from "node:assert/strict";
import {
  adfTest,
  isStationary,
  kpssTest,
  mackinnonPValue,
  normalCdf,
} from "../../lib/detect/stationarity.ts";
import { differencingOrder } from "../../lib/detect/merge_with_delta.ts";

/** Random walk of §9 Checks: cumulative sum of numpy default_rng(11).normal(0, 1, 100). */
const WALK = [
  0.03419276725318417,
  1.3939403075631458,
  2.6186613861490784,
  2.108354309361411,
  1.810384798254964,
  1.2830006052215386,
  1.8527269627934988,
  1.7966625237478813,
  2.5435481400044253,
  0.6962233410303158,
  2.2627721157298364,
  2.166339955574216,
  2.8467184088483624,
  2.7101520748715346,
  2.3310535077966814,
  2.794163666394268,
  3.618677193924381,
  3.4161473232309296,
  3.2633611446607325,
  3.9490597554699907,
  3.0787191135228196,
  1.564335609791424,
  1.9593174725409541,
  1.2887516488530748,
  -0.6315889412649538,
  -1.4456426052103133,
  -1.9132401641030603,
  -3.1064426415353212,
  -4.598906525598355,
  -4.562268698653551,
  -3.665019441925803,
  -3.8981515198862597,
  -4.641747549395104,
  -4.256753740647196,
  -3.539517933452812,
  -3.8395285319412893,
  -3.2948607240203964,
  -2.2519852474374424,
  -2.4589416836457665,
  -3.2724572256273388,
  -2.9248066271118294,
  -2.6772608861489817,
  -1.5784481177345733,
  -2.863028896539918,
  -3.524641826895466,
  -4.36280878761114,
  -6.096823633843991,
  -5.970389078646995,
  -5.442584866151471,
  -6.181374897627277,
  -4.795727823131118,
  -3.973803486470683,
  -3.346427007635148,
  -2.944719916194178,
  -1.989050351745543,
  -3.321030191288645,
  -2.7071005330387807,
  -2.1043236995053327,
  -3.8720422766483074,
  -3.5250121745939276,
  -3.775433521303896,
  -2.993910825242197,
  -3.4329730128798657,
  -3.451213870528966,
  -3.1083623532113105,
  -3.9846240419555183,
  -3.3860273937751337,
  -3.490990582298802,
  -2.9985079586195593,
  -3.520345464956347,
  -2.4341439216788294,
  -1.8289419432493552,
  -2.006966967968692,
  -1.3750098108750821,
  -0.11525464951645703,
  1.6759208639815317,
  0.10234449354131225,
  0.9854763051638318,
  1.450544813677213,
  1.356684033490869,
  0.35001909851379764,
  1.6072077119869412,
  0.34546971854237074,
  0.9124151842771197,
  2.2142831804798093,
  0.6146138924283298,
  0.3120960519450674,
  -0.9971207655712319,
  -0.7530666575353313,
  0.7613084731393234,
  2.784864502311521,
  1.0067500594280059,
  0.43180105370694577,
  1.1353461470378572,
  2.714718799131079,
  3.1359294434093767,
  2.3897774458186674,
  2.686908955456106,
  2.670289754475273,
  2.4665490320871033,
];

function assertRel(actual: number, expected: number, rel: number) {
  assert.ok(
    Math.abs(actual - expected) <= rel * Math.abs(expected),
    `${actual} is not within ${rel} (relative) of ${expected}`,
  );
}

Deno.test("mackinnonPValue() matches the §9 checks", () => {
  const cases: [number, number][] = [
    [-4.0, 0.0014105112530392603],
    [-2.0, 0.28657309916843154],
    [-1.61, 0.4779756525941893],
    [-1.0, 0.7532643012005655],
    [0.5, 0.9848730963065522],
  ];
  for (const [tau, p] of cases) assertRel(mackinnonPValue(tau), p, 1e-13);
});

Deno.test("mackinnonPValue() clamps beyond the table range", () => {
  assert.equal(mackinnonPValue(3.0), 1.0);
  assert.equal(mackinnonPValue(-19), 0.0);
});

Deno.test("normalCdf() is accurate in the far lower tail", () => {
  assertRel(normalCdf(-11.4), 2.0905954217385485e-30, 1e-12);
  assertRel(normalCdf(1), 0.8413447460685429, 1e-15);
});

Deno.test("adfTest() on the random walk gives τ −1.4508647398220447 at lag 0 over 99 rows", () => {
  const r = adfTest(WALK);
  assertRel(r.statistic, -1.4508647398220447, 1e-12);
  assertRel(r.pValue, 0.5576628976215273, 1e-12);
  assert.equal(r.usedLag, 0);
  assert.equal(r.nobs, 99);
});

Deno.test("kpssTest() on the random walk gives stat 0.3723379587185227 with 5 lags", () => {
  const r = kpssTest(WALK);
  assertRel(r.statistic, 0.3723379587185227, 1e-12);
  assertRel(r.pValue, 0.08907846606960228, 1e-12);
  assert.equal(r.lags, 5);
});

Deno.test("isStationary() accepts the random walk through KPSS", () => {
  assert.equal(isStationary(WALK), true);
});

Deno.test("kpssTest() rejects a constant series", () => {
  assert.throws(
    () => kpssTest(new Array(20).fill(3)),
    new RangeError(
      "Cannot run KPSS test as the automatic bandwidth must be finite: current value is NaN",
    ),
  );
});

Deno.test("adfTest() rejects a constant series", () => {
  assert.throws(
    () => adfTest(new Array(20).fill(3)),
    new RangeError("Cannot run ADF test as the series must not be constant: value is 3"),
  );
});

Deno.test("isStationary() treats a failing test as stationary", () => {
  assert.equal(isStationary(new Array(20).fill(3)), true);
});

Deno.test("isStationary() rejects a quadratic trend", () => {
  const v = Array.from({ length: 30 }, (_, i) => i * i);
  assert.equal(isStationary(v), false);
});

Deno.test("adfTest() gives the pseudo-inverse fit when lag columns are all zero", () => {
  // Only the last step moves: every lagged difference in the sample is 0 and the level is
  // collinear with the constant, so the level coefficient is undefined and τ is NaN.
  const x = new Array(40).fill(100);
  x[39] += 1;
  const r = adfTest(x);
  assert.equal(r.usedLag, 0);
  assert.ok(Number.isNaN(r.statistic));
  assert.equal(isStationary(x), kpssTest(x).pValue >= 0.05);
});

Deno.test("differencingOrder() of the random walk is 0 (KPSS calls it stationary)", () => {
  assert.equal(differencingOrder(WALK).order, 0);
});

Deno.test("kpssTest() with many lags (FFT lag products) matches the direct sums", () => {
  // Differenced noise has strong negative lag-1 correlation, so the bandwidth is large.
  let s = 1;
  const noise = Array.from({ length: 6000 }, () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  });
  const d = noise.slice(1).map((v, i) => v - noise[i]);
  const r = kpssTest(d);
  assert.ok(r.lags * d.length > 1 << 22, `lags ${r.lags} too few to use the FFT path`);
  const mu = d.reduce((a, b) => a + b, 0) / d.length;
  const c = d.map((v) => v - mu);
  let sigma = c.reduce((a, v) => a + v * v, 0);
  for (let i = 1; i <= r.lags; i++) {
    let p = 0;
    for (let t = 0; t + i < c.length; t++) p += c[t + i] * c[t];
    sigma += 2 * p * (1 - i / (r.lags + 1));
  }
  sigma /= c.length;
  let cs = 0;
  let eta = 0;
  for (const v of c) {
    cs += v;
    eta += cs * cs;
  }
  eta /= c.length * c.length;
  assertRel(r.statistic, eta / sigma, 1e-9);
});
