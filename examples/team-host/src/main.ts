import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { openApiDocument } from './openapi';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  // JSON at /docs-json always; the UI serves swagger-ui-dist's files from disk, so a one-file bundle
  // (esbuild.mjs) runs with OPENAPI_UI=off unless it ships that package beside it.
  SwaggerModule.setup('docs', app, openApiDocument(app), { ui: process.env.OPENAPI_UI !== 'off' });
  app.enableShutdownHooks();
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? '127.0.0.1';
  await app.listen(port, host);
  new Logger('TeamHost').log(`listening on http://${host}:${port}`);
}

void bootstrap();
