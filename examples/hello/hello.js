class Hello {
    init() {
        storage.put("greeting", "hello");
    }

    greet(name) {
        return storage.get("greeting") + ", " + name;
    }

    set(word) {
        storage.put("greeting", word);
    }
}

module.exports = Hello;
