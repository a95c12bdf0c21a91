import { Global, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { AppEnv, validateEnv } from './env';

const ENV_KEYS = Object.keys(new AppEnv());

/**
 * Validates the environment once at start-up (a bad value stops the app with a message naming the
 * variable) and provides the typed `AppEnv` to every module. Tests override `AppEnv` directly.
 */
@Global()
@Module({
  imports: [ConfigModule.forRoot({ ignoreEnvFile: true, validate: validateEnv })],
  providers: [
    {
      provide: AppEnv,
      inject: [ConfigService],
      useFactory: (config: ConfigService) => validateEnv(Object.fromEntries(ENV_KEYS.map((key) => [key, config.get(key)]))),
    },
  ],
  exports: [AppEnv],
})
export class LinguaConfigModule {}
