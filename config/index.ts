export { loadConfig, validateConfig, PROJECT, type RawConfig } from "./loader";
export { ConfigError, type Problem } from "./problems";
export type {
  PlatformConfig,
  EksPlatformConfig,
  ExistingPlatformConfig,
  AwsConfig,
  NodePoolConfig,
  EksClusterConfig,
  ExistingClusterConfig,
  NetworkConfig,
  GpuConfig,
} from "./defaults";
export { isEksPlatform } from "./defaults";
export type { TeamConfig, TeamRole } from "./teams";
