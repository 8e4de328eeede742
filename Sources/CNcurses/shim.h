#ifndef LINKSCOPE_CNCURSES_SHIM_H
#define LINKSCOPE_CNCURSES_SHIM_H
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1   /* SwiftPM drops pkg-config's -D flags, so request the wide API here */
#endif
#include <locale.h>
#include <ncursesw/curses.h>

/* Macros that expand to casts or table lookups are not imported into Swift. */
static inline int shim_A_BOLD(void)      { return (int)A_BOLD; }
static inline int shim_A_REVERSE(void)   { return (int)A_REVERSE; }
static inline int shim_A_DIM(void)       { return (int)A_DIM; }
static inline int shim_A_UNDERLINE(void) { return (int)A_UNDERLINE; }
static inline int shim_color_pair(int n) { return (int)COLOR_PAIR(n); }

/* Mutable C globals: accessors keep Swift 6 strict concurrency quiet. */
static inline WINDOW *shim_stdscr(void) { return stdscr; }
static inline int     shim_cols(void)   { return COLS; }
static inline int     shim_lines(void)  { return LINES; }
static inline int     shim_colors(void) { return COLORS; }
/* Added by the dashboard: C stdio streams for newterm() (also mutable globals). */
static inline FILE   *shim_stdout(void) { return stdout; }
static inline FILE   *shim_stdin(void)  { return stdin; }
#endif
