import { Module } from '@nestjs/common';
import { LinguaCacheModule } from './cache/cache.module';
import { LinguaConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { ObservabilityModule } from './observability/observability.module';

/**
 * The shared infrastructure every lingua-core feature module needs: validated configuration, the
 * TypeORM connection (pool, timeouts, slow-query log), the versioned cache and metrics. Import it
 * once, next to the feature modules you want (README "Embedding").
 */
@Module({
  imports: [LinguaConfigModule, ObservabilityModule, DatabaseModule, LinguaCacheModule],
})
export class LinguaCoreModule {}
