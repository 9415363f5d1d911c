/**
 * The suite runs on a fixed "today": which allows are compiled depends on the
 * date (an allow past its `expires` is left out), and a test must not change
 * verdict the day the bundled example's break-glass rule expires. Tests of
 * the clock itself pass their own environment; a run may still set its own.
 */
process.env.MICROSEG_TODAY ||= '2026-06-15';
