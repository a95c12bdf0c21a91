import { JwtService } from '@nestjs/jwt';

export function demoTokens(jwt: JwtService, learnerId: number, authorId: number): { learner: string; author: string } {
  return {
    learner: jwt.sign({ sub: String(learnerId) }, { expiresIn: '7d' }),
    author: jwt.sign({ sub: String(authorId), roles: ['author'] }, { expiresIn: '7d' }),
  };
}
