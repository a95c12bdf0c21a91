import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { SECURITY_SCHEME } from './app.module';

/** The team's OpenAPI document; lingua-core's routes name the team's bearer scheme in it. */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Team host')
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer' }, SECURITY_SCHEME)
    .build();
  return SwaggerModule.createDocument(app, config);
}
