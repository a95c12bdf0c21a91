import { Global, Module } from '@nestjs/common';
import { AppEnv, validateEnv } from './env';

/**
 * The reference host's configuration: the environment validated once at start-up (nothing written
 * back into it), provided as the typed `AppEnv`. Tests override `AppEnv` directly. The library itself
 * never reads the environment.
 */
@Global()
@Module({
  providers: [{ provide: AppEnv, useFactory: () => validateEnv(process.env) }],
  exports: [AppEnv],
})
export class HostConfigModule {}
