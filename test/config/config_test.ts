import assert from "node:assert/strict";
import {
  ConfigError,
  describeConfig,
  loadConfig,
  maskConnectionString,
  parseDotEnv,
  Secret,
} from "../../lib/config/mod.ts";

const KEY = "c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0xMjM0NTY=";
const GOOD_CS =
  `Endpoint=sb://127.0.0.1:5673;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${KEY};EntityPath=tweets;UseDevelopmentEmulator=true`;

function load(env: Record<string, string>) {
  return loadConfig({ env, envFile: false });
}

function problemsOf(env: Record<string, string>): ConfigError {
  try {
    load(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error;
  }
  assert.fail("loadConfig() accepted an invalid configuration");
}

Deno.test("loadConfig() gives the documented defaults for an empty environment", () => {
  const c = load({});
  assert.equal(c.xBearerToken, undefined);
  assert.equal(c.xApiBaseUrl, "https://api.x.com/");
  assert.equal(c.eventHub, undefined);
  assert.equal(c.eventHubName, "hubwatch");
  assert.equal(c.eventHubConsumerGroup, "$Default");
  assert.equal(c.anomalyDetectorEndpoint, "local");
  assert.deepEqual(c.anomalyDetectorKeys, []);
  assert.equal(c.dataDir, "./data");
  assert.equal(c.checkpointBlobContainer, "hubwatch-checkpoints");
});

Deno.test("loadConfig() parses an emulator connection string and takes the hub name from EntityPath", () => {
  const c = load({ EVENTHUB_CONNECTION_STRING: GOOD_CS });
  assert.equal(c.eventHub?.host, "127.0.0.1:5673");
  assert.equal(c.eventHub?.entityPath, "tweets");
  assert.equal(c.eventHub?.useDevelopmentEmulator, true);
  assert.equal(c.eventHub?.connectionString.reveal(), GOOD_CS);
  assert.equal(c.eventHubName, "tweets");
});

Deno.test("loadConfig() rejects a connection string without Endpoint, naming the variable and masking the key", () => {
  const e = problemsOf({
    EVENTHUB_CONNECTION_STRING: `SharedAccessKeyName=k;SharedAccessKey=${KEY}`,
  });
  assert.equal(e.problems.length, 1);
  assert.equal(e.problems[0].variable, "EVENTHUB_CONNECTION_STRING");
  assert.equal(e.problems[0].rule, "must contain Endpoint=sb://<namespace host>/");
  assert.equal(
    e.message,
    'Invalid configuration: EVENTHUB_CONNECTION_STRING must contain Endpoint=sb://<namespace host>/: current value is "SharedAccessKeyName=k;SharedAccessKey=***"',
  );
  assert.ok(!e.message.includes(KEY));
});

Deno.test("loadConfig() rejects a connection string with an https endpoint", () => {
  const e = problemsOf({
    EVENTHUB_CONNECTION_STRING: `Endpoint=https://x/;SharedAccessKeyName=k;SharedAccessKey=${KEY}`,
  });
  assert.equal(e.problems[0].rule, 'must have an Endpoint= with scheme sb:// (got "https")');
  assert.ok(!e.message.includes(KEY));
});

Deno.test("loadConfig() rejects a connection string that is not Key=Value pairs", () => {
  const e = problemsOf({ EVENTHUB_CONNECTION_STRING: "not a connection string" });
  assert.equal(e.problems[0].variable, "EVENTHUB_CONNECTION_STRING");
  assert.match(e.problems[0].rule, /^must be a list of Key=Value pairs separated by ';'/);
});

Deno.test("loadConfig() rejects a connection string without credentials", () => {
  const e = problemsOf({ EVENTHUB_CONNECTION_STRING: "Endpoint=sb://h.servicebus.windows.net/" });
  assert.equal(
    e.problems[0].rule,
    "must contain SharedAccessKeyName= and SharedAccessKey=, or SharedAccessSignature=",
  );
});

Deno.test("loadConfig() rejects an X_API_BASE_URL with an unknown scheme", () => {
  const e = problemsOf({ X_API_BASE_URL: "ftp://api.example/" });
  assert.deepEqual(e.problems, [{
    variable: "X_API_BASE_URL",
    rule: 'must be an http(s) URL (scheme "ftp" is not supported)',
    value: '"ftp://api.example/"',
  }]);
});

Deno.test("loadConfig() rejects an X_API_BASE_URL that is not a URL", () => {
  const e = problemsOf({ X_API_BASE_URL: "localhost:8080" });
  assert.equal(e.problems[0].variable, "X_API_BASE_URL");
});

Deno.test("loadConfig() reports every invalid variable at once", () => {
  const e = problemsOf({
    X_API_BASE_URL: "ftp://x/",
    EVENTHUB_CONSUMER_GROUP: "-bad-",
    ANOMALY_DETECTOR_ENDPOINT: "mailto:a@b",
  });
  assert.deepEqual(e.problems.map((p) => p.variable), [
    "X_API_BASE_URL",
    "EVENTHUB_CONSUMER_GROUP",
    "ANOMALY_DETECTOR_ENDPOINT",
  ]);
});

Deno.test("loadConfig() rejects an EVENTHUB_NAME that contradicts EntityPath", () => {
  const e = problemsOf({ EVENTHUB_CONNECTION_STRING: GOOD_CS, EVENTHUB_NAME: "other" });
  assert.equal(
    e.problems[0].rule,
    'must match the connection string\'s EntityPath "tweets" when both are set',
  );
});

Deno.test("loadConfig() splits ANOMALY_DETECTOR_KEY on commas", () => {
  const c = load({ ANOMALY_DETECTOR_KEY: "first-key-0123456789, second-key-0123456789" });
  assert.deepEqual(c.anomalyDetectorKeys.map((k) => k.reveal()), [
    "first-key-0123456789",
    "second-key-0123456789",
  ]);
});

Deno.test("loadConfig() reads a .env file and lets the environment override it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/.env`;
    await Deno.writeTextFile(file, "HUBWATCH_DATA_DIR=/from/file\nEVENTHUB_NAME=fromfile\n");
    const c = loadConfig({ env: { EVENTHUB_NAME: "fromenv" }, envFile: file });
    assert.equal(c.dataDir, "/from/file");
    assert.equal(c.eventHubName, "fromenv");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadConfig() treats a missing .env file as empty", () => {
  const c = loadConfig({ env: {}, envFile: "/nonexistent/hubwatch/.env" });
  assert.equal(c.dataDir, "./data");
});

Deno.test("Secret never shows its value when printed", () => {
  const token =
    "AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid%2BULvsea4JtiGRiSDSJSI%3DEUifiRBkKG5E2XzMDjRfl76ZC9Ub0wnz4XsNiRVBChTYbJcE3F";
  const s = new Secret(token);
  for (
    const text of [
      String(s),
      `${s}`,
      JSON.stringify({ s }),
      Deno.inspect(s),
      Deno.inspect({ nested: s }),
    ]
  ) {
    assert.ok(!text.includes(token), text);
    assert.ok(!text.includes(token.slice(3, 20)), text);
  }
  assert.equal(String(s), `AAA…(${token.length} chars)`);
  assert.equal(s.reveal(), token);
});

Deno.test("describeConfig() masks every secret", () => {
  const c = load({
    EVENTHUB_CONNECTION_STRING: GOOD_CS,
    X_BEARER_TOKEN: "bearer-token-value-0123456789",
    ANOMALY_DETECTOR_KEY: "detector-key-value-0123456789",
  });
  const text = JSON.stringify(describeConfig(c));
  assert.ok(!text.includes(KEY));
  assert.ok(!text.includes("bearer-token-value"));
  assert.ok(!text.includes("detector-key-value"));
  assert.ok(text.includes("SharedAccessKey=***"));
});

Deno.test("maskConnectionString() masks keys and signatures", () => {
  assert.equal(
    maskConnectionString(
      "Endpoint=sb://a/;SharedAccessSignature=SharedAccessSignature sr=x&sig=y;EntityPath=h",
    ),
    "Endpoint=sb://a/;SharedAccessSignature=***;EntityPath=h",
  );
});

Deno.test("parseDotEnv() handles quotes, comments and export", () => {
  assert.deepEqual(parseDotEnv("A='x # y'\nB=\"a\\nb\"\nC=plain # comment\nexport D=4"), {
    A: "x # y",
    B: "a\nb",
    C: "plain",
    D: "4",
  });
});

Deno.test("parseDotEnv() names the file and line of a bad line", () => {
  assert.throws(() => parseDotEnv("A=1\nnot a pair\n", "conf.env"), {
    name: "SyntaxError",
    message:
      'Cannot parse conf.env line 2 as the line must be KEY=value: current line is "not a pair"',
  });
});
