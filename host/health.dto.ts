import { ApiProperty, ApiPropertyOptional, SchemaObject } from '@nestjs/swagger';

/** One indicator of a Terminus health check: `status` plus whatever the indicator adds (e.g. `message`). */
const INDICATOR: SchemaObject = {
  type: 'object',
  properties: { status: { type: 'string', enum: ['up', 'down'] }, message: { type: 'string' } },
  required: ['status'],
  additionalProperties: true,
};
const INDICATORS = { type: 'object', additionalProperties: INDICATOR } as const;

export class LivenessDto {
  @ApiProperty({ enum: ['ok'] }) status: 'ok';
}

export class CacheHealthDto {
  @ApiProperty({ enum: ['up', 'down'] }) status: 'up' | 'down';
  @ApiPropertyOptional({ description: 'Why the cache is down' }) message?: string;
}

export class ReplicaHealthDto {
  @ApiProperty({ description: 'host:port' }) name: string;
  @ApiProperty({ enum: ['starting', 'up', 'lagging', 'down'] }) state: string;
  @ApiPropertyOptional({ description: 'WAL bytes not yet replayed (last probe)' }) lagBytes?: number;
  @ApiPropertyOptional({ description: 'Replay delay in ms (last probe)' }) lagMs?: number;
  @ApiPropertyOptional({ description: 'Why it is down' }) error?: string;
}

export class SessionSettingsHealthDto {
  @ApiProperty({ description: 'Statements outside a transaction run with the configured timeouts' }) inForce: boolean;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) found: Record<string, string>;
}

/** Terminus's health-check result (the same shape on 200 and 503), with the cache reported beside it. */
export class ReadinessDto {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'] }) status: 'ok' | 'error' | 'shutting_down';
  @ApiPropertyOptional({ ...INDICATORS, description: 'Indicators that are up' }) info?: Record<string, unknown>;
  @ApiPropertyOptional({ ...INDICATORS, description: 'Indicators that are down' }) error?: Record<string, unknown>;
  @ApiProperty({ ...INDICATORS, description: 'Every indicator' }) details: Record<string, unknown>;
  @ApiProperty({ type: CacheHealthDto, description: 'Reported only: the cache being down never fails readiness' }) cache: CacheHealthDto;
  @ApiPropertyOptional({ enum: ['up', 'down', 'not_a_session'], description: 'The cache invalidation listener (absent when turned off)' })
  cacheListener?: 'up' | 'down' | 'not_a_session';
  @ApiProperty({ type: [ReplicaHealthDto], description: 'Reported only: reads go to the primary while a replica is down or lagging' })
  replicas: ReplicaHealthDto[];
  @ApiPropertyOptional({ type: SessionSettingsHealthDto }) sessionSettings?: SessionSettingsHealthDto;
}
