// ZeroMQ for the Jupyter kernel (Debian: libzmq3-dev).
#include <zmq.h>
