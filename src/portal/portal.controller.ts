import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/auth.guard';
import { PORTAL_PAGE } from './portal-page';
import { readPortalScript } from './portal-scripts';
import { PORTAL_STYLES } from './portal-styles';

/**
 * The customer portal: the page at /portal, its stylesheet and its ES modules. Public: the page
 * asks for the customer token and sends it to the API itself. Not part of the API's OpenAPI.
 */
@ApiExcludeController()
@Public()
@Controller('portal')
export class PortalController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  page(): string {
    return PORTAL_PAGE;
  }

  @Get('portal.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  styles(): string {
    return PORTAL_STYLES;
  }

  @Get(':file')
  @Header('Cache-Control', 'no-cache')
  async script(@Param('file') file: string, @Res({ passthrough: true }) response: Response): Promise<string> {
    const source = await readPortalScript(file);
    response.type('text/javascript; charset=utf-8');
    return source;
  }
}
