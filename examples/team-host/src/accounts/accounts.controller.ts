import { Body, Controller, Get, Post, Req } from '@nestjs/common';
import { Anonymous } from '../auth/auth.guard';
import type { HostUser } from '../auth/token';
import { AccountView, SignUpDto } from './accounts.dto';
import { AccountsService } from './accounts.service';

@Controller('accounts')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Anonymous()
  @Post()
  signUp(@Body() dto: SignUpDto): Promise<AccountView> {
    return this.accounts.signUp(dto);
  }

  @Get('me')
  me(@Req() req: { user: HostUser }): Promise<AccountView> {
    return this.accounts.get(req.user.userId);
  }
}
