/** The `yaml` package, loaded only when a YAML file needs reading (it costs start-up time). */
import { createRequire } from 'node:module';

export type YamlModule = typeof import('yaml');
let yamlModule: YamlModule | undefined;

export function yaml(): YamlModule {
  return (yamlModule ??= createRequire(import.meta.url)('yaml') as YamlModule);
}
