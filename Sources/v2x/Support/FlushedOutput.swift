import Foundation

/// Prints `line` to standard output and flushes it at once, so a long command's results
/// appear as they are reached even when standard output is a file or a pipe (fully
/// buffered otherwise, and read only at exit).
func printFlushed(_ line: String) {
    print(line)
    fflush(nil)   // every output stream: `stdout` itself is not concurrency-safe to name
}
