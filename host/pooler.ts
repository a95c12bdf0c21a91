import { Logger } from '@nestjs/common';
import { detectPooler } from '../src/database/pooler';
import type { LinguaDatabaseOptions } from '../src/lingua-core.options';

/** DATABASE_POOLER when set, else one probe connection decides (and says what it found). */
export async function resolvePooler(options: LinguaDatabaseOptions): Promise<LinguaDatabaseOptions> {
  if (options.pooler) return options;
  const pooler = await detectPooler(options.url);
  if (pooler === 'transaction') {
    new Logger('LinguaHost').warn(
      'DATABASE_URL is a transaction pooler (it refused or ignored a startup parameter): timeouts go per transaction; set DATABASE_POOLER=transaction to skip this probe',
    );
  }
  return { ...options, pooler };
}
