/**
 * The web app (apps/web, built by Vite) served by the API in production: one process, one port. Its
 * hashed assets come from `/assets/`; each of the app's own paths answers its index.html, so a deep
 * link or a reload of `/invoices/1001` opens the app there. Not part of the OpenAPI document.
 */
import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { Public } from '../shared/auth/auth.guard';

/** The client-side routes of apps/web (keep in step with its router). */
export const WEB_APP_ROUTES = ['/', '/signin', '/invoices', '/invoices/*', '/payments', '/payments/*', '/reports'];

@ApiExcludeController()
@Controller()
export class WebAppController {
  private readonly index: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.index = readFileSync(join(config.webDir!, 'index.html'), 'utf8');
  }

  @Public()
  @Get(WEB_APP_ROUTES)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  app(): string {
    return this.index;
  }
}
