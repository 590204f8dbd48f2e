import { inject } from '@angular/core';
import { Router, type Routes } from '@angular/router';

import { SessionStore } from './sessions/session.store';

export const appRoutes: Routes = [
  {
    path: '',
    pathMatch: 'full',
    loadComponent: () =>
      import('./sessions/login-page.component').then(
        (m) => m.LoginPageComponent,
      ),
  },
  {
    path: 'chat',
    canActivate: [
      () => inject(SessionStore).loggedIn() || inject(Router).parseUrl('/'),
    ],
    loadComponent: () =>
      import('./messaging/messaging-page.component').then(
        (m) => m.MessagingPageComponent,
      ),
  },
  {
    path: 'admin',
    loadComponent: () =>
      import('./admin/admin-page.component').then((m) => m.AdminPageComponent),
  },
  { path: '**', redirectTo: '' },
];
