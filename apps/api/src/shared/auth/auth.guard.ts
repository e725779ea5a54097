import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  SetMetadata,
  UnauthorizedException,
  createParamDecorator,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { type Role, type TokenClaims, verifyToken } from './tokens';

export const PUBLIC_ROUTE = 'auth:public';
export const REQUIRED_ROLE = 'auth:role';
/** No token needed (health check, API documentation). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
/** Only callers with this role (admins may do everything users may, within a company they name). */
export const RequireRole = (role: Role) => SetMetadata(REQUIRED_ROLE, role);

export interface AuthenticatedRequest extends FastifyRequest {
  auth?: TokenClaims;
}

/**
 * Every route needs `Authorization: Bearer <JWT>` unless marked @Public. Browsers' EventSource cannot
 * send headers, so the live stream also accepts `?access_token=`.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(request);
    if (!token) throw new UnauthorizedException({ code: 'AUTH.TOKEN_MISSING', message: 'Sign in: this request needs a bearer token.' });
    try {
      request.auth = verifyToken(this.config.jwtSecret, token);
    } catch {
      throw new UnauthorizedException({ code: 'AUTH.TOKEN_INVALID', message: 'The token is invalid or has expired; sign in again.' });
    }
    const role = this.reflector.getAllAndOverride<Role | undefined>(REQUIRED_ROLE, targets);
    if (role === 'admin' && request.auth.role !== 'admin')
      throw new ForbiddenException({ code: 'AUTH.ADMIN_ONLY', message: 'Only an administrator may do this.' });
    return true;
  }
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  const query = request.query as Record<string, unknown> | undefined;
  if (request.url.startsWith('/api/events') && typeof query?.access_token === 'string') return query.access_token;
  return undefined;
}

/** The caller's claims. */
export const Caller = createParamDecorator((_: unknown, context: ExecutionContext): TokenClaims => {
  const auth = context.switchToHttp().getRequest<AuthenticatedRequest>().auth;
  if (!auth) throw new UnauthorizedException({ code: 'AUTH.TOKEN_MISSING', message: 'Sign in: this request needs a bearer token.' });
  return auth;
});

/**
 * The company the caller acts for. A user token names its company; a user never sees another company's
 * data (it simply does not exist for them: 404). Routes for company data need a company token.
 */
export const CallerCompany = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const auth = context.switchToHttp().getRequest<AuthenticatedRequest>().auth;
  if (!auth?.company)
    throw new ForbiddenException({ code: 'AUTH.COMPANY_REQUIRED', message: 'This request needs a token for a company.' });
  return auth.company;
});
