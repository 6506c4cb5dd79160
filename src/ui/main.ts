/**
 * Entry point, kept tiny: on a lab page it starts the lab worker first (its code takes the
 * longest to load and compile, and building the lab follows), then loads the app.
 */
import './early.ts';

void import('./app.tsx');
