/**
 * hubwatch configuration: the only place that reads the environment (and an optional `.env`
 * file). Values are typed and validated once; secrets are wrapped in {@linkcode Secret} so they
 * are masked whenever printed.
 */
import { maskConnectionString, Secret } from "./secret.ts";
import { parseDotEnv } from "./dotenv.ts";

/** A parsed Event Hubs connection string (secret parts kept inside {@linkcode Secret}). */
export interface EventHubConnectionInfo {
  /** The full connection string, passed unchanged to the SDK. */
  connectionString: Secret;
  /** `sb://host[:port]/` from `Endpoint=`. */
  endpoint: string;
  /** Host (and port, when given) of the endpoint. */
  host: string;
  /** `EntityPath=`, when present. */
  entityPath?: string;
  /** `UseDevelopmentEmulator=true` was given (plain TCP to a local emulator). */
  useDevelopmentEmulator: boolean;
}

/** The validated configuration. */
export interface HubwatchConfig {
  /** `X_BEARER_TOKEN`: app-only bearer token of the X API v2; absent → the synthetic source. */
  xBearerToken?: Secret;
  /** `X_API_BASE_URL`: base URL of the X API. @default {"https://api.x.com/"} */
  xApiBaseUrl: string;
  /** `EVENTHUB_CONNECTION_STRING`: absent → the local emulator is started. */
  eventHub?: EventHubConnectionInfo;
  /** `EVENTHUB_NAME`: event hub name; falls back to the connection string's `EntityPath`. @default {"hubwatch"} */
  eventHubName: string;
  /** `EVENTHUB_CONSUMER_GROUP`. @default {"$Default"} */
  eventHubConsumerGroup: string;
  /** `CHECKPOINT_BLOB_CONNECTION_STRING`: Azure Storage for the blob checkpoint store; absent → file store. */
  checkpointBlobConnectionString?: Secret;
  /** `CHECKPOINT_BLOB_CONTAINER`. @default {"hubwatch-checkpoints"} */
  checkpointBlobContainer: string;
  /** `ANOMALY_DETECTOR_ENDPOINT`: `local` (in-process engine) or an http(s) URL. @default {"local"} */
  anomalyDetectorEndpoint: string;
  /** `ANOMALY_DETECTOR_KEY`: one or more keys, comma-separated. */
  anomalyDetectorKeys: Secret[];
  /** `ALERT_WEBHOOK_URL`: where anomaly alerts are POSTed, when set. */
  alertWebhookUrl?: string;
  /** `HUBWATCH_DATA_DIR`: history tables, checkpoints, emulator logs. @default {"./data"} */
  dataDir: string;
}

/** One variable that failed validation. */
export interface ConfigProblem {
  variable: string;
  rule: string;
  /** The offending value, with secrets masked. */
  value: string;
}

/** Thrown by {@linkcode loadConfig} when one or more variables are invalid; lists all of them. */
export class ConfigError extends Error {
  readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[], options?: ErrorOptions) {
    super(
      problems.map((p) =>
        `Invalid configuration: ${p.variable} ${p.rule}: current value is ${p.value}`
      )
        .join("\n"),
      options,
    );
    this.name = "ConfigError";
    this.problems = problems;
  }
}

const EVENT_HUB_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,254}[A-Za-z0-9])?$/;
const CONSUMER_GROUP = /^(\$Default|[A-Za-z0-9](?:[A-Za-z0-9._-]{0,48}[A-Za-z0-9])?)$/;

/** Options of {@linkcode loadConfig}. */
export interface LoadConfigOptions {
  /** Variables to read instead of the process environment (tests). @default {Deno.env.toObject()} */
  env?: Record<string, string | undefined>;
  /**
   * `.env` file read for variables the environment does not set; `false` to read none.
   * A missing file is not an error.
   * @default {"./.env"}
   */
  envFile?: string | false;
}

/**
 * Reads and validates the configuration. Throws {@linkcode ConfigError} naming every invalid
 * variable, the rule it breaks and its (masked) value.
 */
export function loadConfig(options: LoadConfigOptions = {}): HubwatchConfig {
  const fileVars = options.envFile === false ? {} : readEnvFile(options.envFile ?? ".env");
  const env = { ...fileVars, ...(options.env ?? Deno.env.toObject()) };
  const get = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === "" ? undefined : v.trim();
  };
  const problems: ConfigProblem[] = [];

  const token = get("X_BEARER_TOKEN");
  const xApiBaseUrl = httpUrl(
    "X_API_BASE_URL",
    get("X_API_BASE_URL") ?? "https://api.x.com/",
    problems,
  );

  const cs = get("EVENTHUB_CONNECTION_STRING");
  const eventHub = cs === undefined ? undefined : parseEventHubConnectionString(cs, problems);

  const eventHubName = get("EVENTHUB_NAME") ?? eventHub?.entityPath ?? "hubwatch";
  if (!EVENT_HUB_NAME.test(eventHubName)) {
    problems.push({
      variable: "EVENTHUB_NAME",
      rule:
        "must be 1-256 letters, digits, '.', '-' or '_', starting and ending with a letter or digit",
      value: JSON.stringify(eventHubName),
    });
  } else if (eventHub?.entityPath !== undefined && eventHub.entityPath !== eventHubName) {
    problems.push({
      variable: "EVENTHUB_NAME",
      rule:
        `must match the connection string's EntityPath "${eventHub.entityPath}" when both are set`,
      value: JSON.stringify(eventHubName),
    });
  }
  const eventHubConsumerGroup = get("EVENTHUB_CONSUMER_GROUP") ?? "$Default";
  if (!CONSUMER_GROUP.test(eventHubConsumerGroup)) {
    problems.push({
      variable: "EVENTHUB_CONSUMER_GROUP",
      rule:
        "must be $Default or 1-50 letters, digits, '.', '-' or '_', starting and ending with a letter or digit",
      value: JSON.stringify(eventHubConsumerGroup),
    });
  }

  const blobCs = get("CHECKPOINT_BLOB_CONNECTION_STRING");
  if (
    blobCs !== undefined &&
    !/(^|;)\s*(AccountName|BlobEndpoint|UseDevelopmentStorage)=/i.test(blobCs)
  ) {
    problems.push({
      variable: "CHECKPOINT_BLOB_CONNECTION_STRING",
      rule:
        "must be an Azure Storage connection string with AccountName=, BlobEndpoint= or UseDevelopmentStorage=",
      value: maskConnectionString(blobCs).replace(/(AccountKey=)[^;]*/gi, "$1***"),
    });
  }
  const checkpointBlobContainer = get("CHECKPOINT_BLOB_CONTAINER") ?? "hubwatch-checkpoints";
  if (!/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(checkpointBlobContainer)) {
    problems.push({
      variable: "CHECKPOINT_BLOB_CONTAINER",
      rule:
        "must be 3-63 lowercase letters, digits or single hyphens, starting and ending with a letter or digit",
      value: JSON.stringify(checkpointBlobContainer),
    });
  }

  const adEndpointRaw = get("ANOMALY_DETECTOR_ENDPOINT") ?? "local";
  const anomalyDetectorEndpoint = adEndpointRaw === "local" ? "local" : httpUrl(
    "ANOMALY_DETECTOR_ENDPOINT",
    adEndpointRaw,
    problems,
    'must be "local" or an http(s) URL',
  );
  const keys = (get("ANOMALY_DETECTOR_KEY") ?? "").split(",").map((k) => k.trim()).filter((k) =>
    k !== ""
  );

  const webhook = get("ALERT_WEBHOOK_URL");
  const alertWebhookUrl = webhook === undefined
    ? undefined
    : httpUrl("ALERT_WEBHOOK_URL", webhook, problems);

  const dataDir = get("HUBWATCH_DATA_DIR") ?? "./data";
  if (dataDir.includes("\0")) {
    problems.push({
      variable: "HUBWATCH_DATA_DIR",
      rule: "must be a path without NUL characters",
      value: JSON.stringify(dataDir),
    });
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    xBearerToken: token === undefined ? undefined : new Secret(token),
    xApiBaseUrl,
    eventHub,
    eventHubName,
    eventHubConsumerGroup,
    checkpointBlobConnectionString: blobCs === undefined ? undefined : new Secret(blobCs),
    checkpointBlobContainer,
    anomalyDetectorEndpoint,
    anomalyDetectorKeys: keys.map((k) => new Secret(k)),
    alertWebhookUrl,
    dataDir,
  };
}

function httpUrl(
  variable: string,
  raw: string,
  problems: ConfigProblem[],
  rule = "must be an http(s) URL",
): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push({ variable, rule, value: JSON.stringify(raw) });
    return raw;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    problems.push({
      variable,
      rule: `${rule} (scheme "${url.protocol.slice(0, -1)}" is not supported)`,
      value: JSON.stringify(raw),
    });
  }
  return url.href;
}

/**
 * Parses and validates an Event Hubs connection string
 * (`Endpoint=sb://HOST/;SharedAccessKeyName=NAME;SharedAccessKey=KEY[;EntityPath=HUB][;UseDevelopmentEmulator=true]`
 * or with `SharedAccessSignature=`). Problems are appended to `problems` with the value masked.
 */
export function parseEventHubConnectionString(
  raw: string,
  problems: ConfigProblem[],
  variable = "EVENTHUB_CONNECTION_STRING",
): EventHubConnectionInfo | undefined {
  const masked = JSON.stringify(maskConnectionString(raw));
  const parts = new Map<string, string>();
  for (const piece of raw.split(";")) {
    if (piece.trim() === "") continue;
    const eq = piece.indexOf("=");
    if (eq <= 0) {
      problems.push({
        variable,
        rule: `must be a list of Key=Value pairs separated by ';' ("${
          maskConnectionString(piece)
        }" has no '=')`,
        value: masked,
      });
      return undefined;
    }
    parts.set(piece.slice(0, eq).trim().toLowerCase(), piece.slice(eq + 1).trim());
  }
  const endpoint = parts.get("endpoint");
  if (endpoint === undefined) {
    problems.push({
      variable,
      rule: "must contain Endpoint=sb://<namespace host>/",
      value: masked,
    });
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    problems.push({
      variable,
      rule: "must have an Endpoint= that is a URL such as sb://<namespace>.servicebus.windows.net/",
      value: masked,
    });
    return undefined;
  }
  if (url.protocol !== "sb:" && url.protocol !== "amqps:" && url.protocol !== "amqp:") {
    problems.push({
      variable,
      rule: `must have an Endpoint= with scheme sb:// (got "${url.protocol.slice(0, -1)}")`,
      value: masked,
    });
    return undefined;
  }
  const hasKey = parts.has("sharedaccesskeyname") && parts.has("sharedaccesskey");
  if (!hasKey && !parts.has("sharedaccesssignature")) {
    problems.push({
      variable,
      rule: "must contain SharedAccessKeyName= and SharedAccessKey=, or SharedAccessSignature=",
      value: masked,
    });
    return undefined;
  }
  const emulatorFlag = parts.get("usedevelopmentemulator");
  if (emulatorFlag !== undefined && emulatorFlag !== "true" && emulatorFlag !== "false") {
    problems.push({
      variable,
      rule: "must have UseDevelopmentEmulator=true or false",
      value: masked,
    });
    return undefined;
  }
  return {
    connectionString: new Secret(raw),
    endpoint: url.href,
    host: url.host,
    entityPath: parts.get("entitypath") || undefined,
    useDevelopmentEmulator: emulatorFlag === "true",
  };
}

function readEnvFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return {};
    throw new Error(`Cannot read the configuration file ${path}`, { cause: error });
  }
  return parseDotEnv(text, path);
}

/** Rows `{ variable, value }` describing a configuration, secrets masked — for printing. */
export function describeConfig(config: HubwatchConfig): { variable: string; value: string }[] {
  const show = (v: Secret | string | undefined) => (v === undefined ? "(unset)" : String(v));
  return [
    { variable: "X_BEARER_TOKEN", value: show(config.xBearerToken) },
    { variable: "X_API_BASE_URL", value: config.xApiBaseUrl },
    {
      variable: "EVENTHUB_CONNECTION_STRING",
      value: config.eventHub === undefined
        ? "(unset: local emulator)"
        : maskConnectionString(config.eventHub.connectionString.reveal()),
    },
    { variable: "EVENTHUB_NAME", value: config.eventHubName },
    { variable: "EVENTHUB_CONSUMER_GROUP", value: config.eventHubConsumerGroup },
    {
      variable: "CHECKPOINT_BLOB_CONNECTION_STRING",
      value: show(config.checkpointBlobConnectionString),
    },
    { variable: "CHECKPOINT_BLOB_CONTAINER", value: config.checkpointBlobContainer },
    { variable: "ANOMALY_DETECTOR_ENDPOINT", value: config.anomalyDetectorEndpoint },
    {
      variable: "ANOMALY_DETECTOR_KEY",
      value: config.anomalyDetectorKeys.length === 0
        ? "(unset)"
        : config.anomalyDetectorKeys.map(String).join(","),
    },
    { variable: "ALERT_WEBHOOK_URL", value: show(config.alertWebhookUrl) },
    { variable: "HUBWATCH_DATA_DIR", value: config.dataDir },
  ];
}
