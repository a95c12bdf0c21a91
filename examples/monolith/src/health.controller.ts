import { Controller, Get } from '@nestjs/common';

/** The app's own liveness route. */
@Controller('health')
export class HealthController {
  @Get()
  check() {
    return { status: 'ok' };
  }
}
