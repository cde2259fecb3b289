// Command worker runs the queue for the builder-pattern fuzzer.
package main

import "fmt"

func main() {
	fmt.Println("worker: ok")
}
