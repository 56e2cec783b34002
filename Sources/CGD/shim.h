// libgd: true-colour images, anti-aliased polygons, FreeType text, PNG encoding.
#include <gd.h>
#include <gdfontl.h>
