// A stand-in for the tracker's control socket in the tests of `leakdbg snap`: listens on
// $LEAKDBG_SOCKET_DIR/<pid>.sock, answers one request and exits.
//   fake_control_server ok      -> "ok <socket dir>/<the request line>"
//   fake_control_server error   -> "error snapshot failed: disk full"
//   fake_control_server silent  -> closes the connection without answering
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

int main(int argc, char** argv) {
  const char* dir = std::getenv("LEAKDBG_SOCKET_DIR");
  if (argc != 2 || !dir) return 2;
  std::string mode = argv[1];
  std::string path = std::string(dir) + "/" + std::to_string(getpid()) + ".sock";
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 1) != 0)
    return 3;
  int client = accept(fd, nullptr, nullptr);
  std::string request;
  char c;
  while (read(client, &c, 1) == 1 && c != '\n') request.push_back(c);
  std::string reply;
  if (mode == "ok") reply = "ok " + std::string(dir) + "/" + request + "\n";
  if (mode == "error") reply = "error snapshot failed: disk full\n";
  if (!reply.empty() && write(client, reply.data(), reply.size()) < 0) return 4;
  close(client);
  unlink(path.c_str());
  return 0;
}
